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
# BENCH_SKIP_BUILD=1 to use target/ as is. Run it on a quiet machine: wrk shares the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-3}"
conns="${BENCH_CONNECTIONS:-64}"
for v in "$seconds" "$rounds" "$conns"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge 1 ] && [ "$v" -le 1000 ] || { echo "bench: settings are whole numbers 1..1000" >&2; exit 2; }
done
log() { echo "bench: $*" >&2; }

. "$here/lib.sh"
JAVA_HOME="$(find_jdk || true)"
[ -n "$JAVA_HOME" ] || { log "no JDK 21 or newer found (see ./crater)"; exit 3; }
java="$JAVA_HOME/bin/java"
command -v wrk >/dev/null 2>&1 || { log "wrk is required (Debian package 'wrk')"; exit 3; }
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building ..."
  (cd "$root" && JAVA_HOME="$JAVA_HOME" ./mvnw -q -B -DskipTests package) >&2
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/crater-orders-bench.XXXXXX")"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; sleep 1; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cp "$root/target/crater.jar" "$tmp/crater.jar"
cp -r "$root/target/test-classes" "$tmp/test-classes"
read -r -a opts <<<"$(sed -n 's/^ *exec "\$JAVA_HOME\/bin\/java" \(.*\) -jar "\$jar".*/\1/p' "$root/crater")"
[ "${#opts[@]}" -gt 0 ] || opts=(--enable-native-access=ALL-UNNAMED)

log "engine commands per second (${rounds} rounds of ${seconds}s) ..."
engine_lines="$("$java" "${opts[@]}" -cp "$tmp/crater.jar:$tmp/test-classes" dev.crater.bench.EngineRate "$seconds" "$rounds" 2>/dev/null | grep '^ENGINE')"

log "starting Crater ..."
env -u CRATER_DB_URL -u CRATER_NO_DEMO "$java" "${opts[@]}" -jar "$tmp/crater.jar" \
  serve --host 127.0.0.1 --port 0 --data-dir "$tmp/data" >"$tmp/out" 2>"$tmp/err" &
pid="$!"
for _ in $(seq 1 600); do grep -q '^Log in:' "$tmp/out" 2>/dev/null && break; sleep 0.1; done
port="$(sed -n 's/^Crater is listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$tmp/out" | head -1)"
key="$(sed -n 's/^Demo company .*Et-App-Key: \([^ ]*\).*/\1/p' "$tmp/out" | head -1)"
[ -n "$port" ] && [ -n "$key" ] || { log "server did not start"; cat "$tmp/out" "$tmp/err" >&2; exit 1; }
base="http://127.0.0.1:$port"
token="$(curl -s -X POST -H "Et-App-Key: $key" -H "Username: demo" -H "Password: crater-demo-pass" \
  -H "Content-Length: 0" "$base/api/token" | sed -n 's/.*"Token":"\([^"]*\)".*/\1/p')"
[ -n "$token" ] || { log "could not log in"; exit 1; }
account="$(curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/users/@me/accounts" \
  | sed -n 's/^\[{"Id":\([0-9]*\).*/\1/p')"
[ -n "$account" ] || { log "no demo account"; exit 1; }
for _ in $(seq 1 100); do   # the demo deposit is applied by the engine within a second or two
  curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/accounts/$account/info" \
    | grep -q '"cash":100000' && break
  sleep 0.1
done
export BENCH_APP_KEY="$key" BENCH_TOKEN="$token" BENCH_ACCOUNT="$account"
wrk -t2 -c"$conns" -d3s -s "$here/orders.lua" "$base" >/dev/null   # warm-up
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
  echo "Orders placed over HTTP and stored (SQLite, group commit), \`wrk -t2 -c$conns -d${seconds}s --latency -s bench/orders.lua\`, wrk on the same two cores:"
  echo
  echo "| Round | stored orders/s | stored | p50 / p99 | other answers |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Orders in the store afterwards (TotalCount of the account's list): $stored."
} | tee "$here/results/orders-latest.md"
