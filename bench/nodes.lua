-- wrk script for bench/nodes.sh: like orders.lua (resting GTC limit orders, only answers carrying an
-- order "Id" count), but each request goes to the next account of BENCH_ACCOUNTS (comma-separated
-- ids, spread over the trading shards), each wrk thread starting at a different one.
local accounts = {}
for id in string.gmatch(os.getenv("BENCH_ACCOUNTS") or "1", "[0-9]+") do
  table.insert(accounts, id)
end
local body = '{"Symbol": "AAPL", "Type": "Limit", "Side": "Buy", "Quantity": 1, "Price": 0.01, "TimeInforce": "GTC"}'
local headers = {
  ["Et-App-Key"] = os.getenv("BENCH_APP_KEY") or "",
  ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or ""),
  ["Content-Type"] = "application/json",
}

local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("start", thread_no)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  other = 0
  next_account = start
end

function request()
  next_account = next_account % #accounts + 1
  return wrk.format("POST", "/api/v1.0/accounts/" .. accounts[next_account] .. "/orders", headers, body)
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"Id":', 1, true) then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_other = total_other + t:get("other")
  end
  local seconds = summary.duration / 1000000
  io.write(string.format("ORDERS ok=%d other=%d duration_s=%.2f ok_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    total_ok, total_other, seconds, total_ok / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
