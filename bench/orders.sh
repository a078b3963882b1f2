#!/usr/bin/env bash
# Trading benchmarks (issue #6): one command, one Markdown block (stdout and
# bench/results/orders-latest.md).
#
#   bench/orders.sh
#
#   1. engine commands per second in process, one thread (dev.crater.bench.EngineRate: 1,000
#      accounts, 500 securities, 80 % quote ticks, 15 % places, 5 % cancels);
#   2. orders placed per second over HTTP with durable storage: wrk -t2 -c64 posting resting GTC
#      limit orders (bench/orders.lua) to a server this script starts with a fresh SQLite store and
#      demo data; only answers carrying a stored order "Id" count.
#
# Environment: BENCH_SECONDS (default 10), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 64),
# BENCH_WARMUP_SECONDS (default 20: the JIT is still compiling the request path after 10 s),
# BENCH_SKIP_BUILD=1 to use target/ as is. Run it on a quiet machine: wrk shares the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-3}"
conns="${BENCH_CONNECTIONS:-64}"
warmup="${BENCH_WARMUP_SECONDS:-20}"
for v in "$seconds" "$rounds" "$conns" "$warmup"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] && [ "$v" -le 1000 ] || { echo "bench: settings are whole numbers 1..1000" >&2; exit 2; }
done
log() { echo "bench: $*" >&2; }

. "$here/lib.sh"
bench_setup

log "engine commands per second (${rounds} rounds of ${seconds}s) ..."
engine_lines="$("$java" "${opts[@]}" -cp "$tmp/crater.jar:$tmp/test-classes" dev.crater.bench.EngineRate "$seconds" "$rounds" 2>/dev/null | grep '^ENGINE')"

bench_start_crater
account="$(curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/users/@me/accounts" \
  | sed -n 's/^\[{"Id":\([0-9]*\).*/\1/p')"
[ -n "$account" ] || { log "no demo account"; exit 1; }
for _ in $(seq 1 100); do   # the demo deposit is applied by the engine within a second or two
  curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/accounts/$account/info" \
    | grep -q '"cash":100000' && break
  sleep 0.1
done
export BENCH_APP_KEY="$key" BENCH_TOKEN="$token" BENCH_ACCOUNT="$account"
wrk -t2 -c"$conns" -d"${warmup}s" -s "$here/orders.lua" "$base" >/dev/null   # warm-up (not reported)
rows=()
for r in $(seq 1 "$rounds"); do
  line="$(wrk -t2 -c"$conns" -d"${seconds}s" --latency --timeout 10s -s "$here/orders.lua" "$base" | grep '^ORDERS')"
  rows+=("| $r | $(awk '{for (i=1;i<=NF;i++) { split($i, kv, "="); v[kv[1]] = kv[2] } } END { printf "%s | %s | %s / %s ms | %s", v["ok_per_s"], v["ok"], v["p50_ms"], v["p99_ms"], v["other"] }' <<<"$line") |")
done
stored="$(curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" \
  "$base/api/v1.0/accounts/$account/orders?pageNumber=0&pageSize=1" | sed -n 's/.*"TotalCount":\([0-9]*\).*/\1/p')"

{
  echo "### Trading — $(date -u +%Y-%m-%d), $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo
  echo "Engine commands per second, in process, one thread (\`dev.crater.bench.EngineRate $seconds $rounds\`):"
  echo
  echo '```'
  echo "$engine_lines"
  echo '```'
  echo
  echo "Orders placed over HTTP and stored (SQLite, group commit), \`wrk -t2 -c$conns -d${seconds}s --latency -s bench/orders.lua\` after ${warmup} s of warm-up, wrk on the same two cores, server JVM options \`${opts[*]}\`:"
  echo
  echo "| Round | stored orders/s | stored | p50 / p99 | other answers |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Orders in the store afterwards (TotalCount of the account's list): $stored."
} | tee "$here/results/orders-latest.md"
