-- wrk script for the order-placement benchmark: POST /api/v1.0/accounts/{id}/orders with a resting
-- GTC limit order (far below the market, so every order is stored and stays open). The app key,
-- token and account come from the environment (bench/orders.sh sets them). Counts answers that
-- carry an order "Id" (accepted and stored) separately from any other answer.
wrk.method = "POST"
wrk.path = "/api/v1.0/accounts/" .. (os.getenv("BENCH_ACCOUNT") or "1") .. "/orders"
wrk.headers["Et-App-Key"] = os.getenv("BENCH_APP_KEY") or ""
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"Symbol": "AAPL", "Type": "Limit", "Side": "Buy", "Quantity": 1, "Price": 0.01, "TimeInforce": "GTC"}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  other = 0
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
