-- wrk script for the login benchmark: POST /api/token with the credentials in headers and an
-- empty body, as the ETNA API defines it. The app key, user and password come from the
-- environment (bench/run.sh sets them) so no secret is written into this file.
--
-- wrk's own "Requests/sec" counts every answer, including 401/403/503. Those are not logins
-- (and a 403 for an unknown app key skips the Argon2id work, inflating the rate), so this
-- script counts 200s itself in the `response` hook and prints them in `done` as one line:
--   LOGIN ok=N other=M duration_s=S ok_per_s=R
wrk.method = "POST"
-- A non-nil body makes wrk send "Content-Length: 0", which an empty POST needs.
wrk.body = ""
wrk.headers["Et-App-Key"] = os.getenv("BENCH_APP_KEY") or ""
wrk.headers["Username"] = os.getenv("BENCH_USER") or "demo"
wrk.headers["Password"] = os.getenv("BENCH_PASSWORD") or "crater-demo-pass"

-- Each wrk thread runs its own Lua state; setup() keeps a handle on each so done() can sum.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  other = 0
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local ok_total, other_total = 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    other_total = other_total + t:get("other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("LOGIN ok=%d other=%d duration_s=%.3f ok_per_s=%.2f\n",
    ok_total, other_total, seconds, ok_total / seconds))
end
