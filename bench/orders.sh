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
#      demo data; only answers carrying a stored order "Id" count. Two such servers run, one with
#      CRATER_SQLITE_SYNCHRONOUS=full (the default: each commit fsynced, durable across power loss)
#      and one with =normal (the earlier setting: durable across process crashes), measured in
#      alternating rounds of the same load (issue 16).
#
# Environment: BENCH_SECONDS (default 10), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 64),
# BENCH_WARMUP_SECONDS (default 20: the JIT is still compiling the request path after 10 s),
# BENCH_SYNCHRONOUS (default "full normal": the settings measured, each on a server of its own),
# BENCH_SKIP_ENGINE=1 to measure HTTP orders only, BENCH_SKIP_BUILD=1 to use target/ as is. Run it on a quiet machine: wrk shares the cores.
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

engine_lines="(not measured: BENCH_SKIP_ENGINE=1)"
if [ "${BENCH_SKIP_ENGINE:-0}" != 1 ]; then
  log "engine commands per second (${rounds} rounds of ${seconds}s) ..."
  engine_lines="$("$java" "${opts[@]}" -cp "$tmp/crater.jar:$tmp/test-classes" dev.crater.bench.EngineRate "$seconds" "$rounds" 2>/dev/null | grep '^ENGINE')"
fi

# One server per setting, both started before any measurement and measured in alternating rounds
# (the machine's capacity drifts within minutes; two servers measured one after the other would be
# measured on two different machines). Sets the arrays by setting: base, key, token, account.
declare -A s_base s_key s_token s_account s_pid
read -r -a settings <<<"${BENCH_SYNCHRONOUS:-full normal}"
for sync in "${settings[@]}"; do
  [ "$sync" = full ] || [ "$sync" = normal ] || { echo "bench: BENCH_SYNCHRONOUS lists full and/or normal" >&2; exit 2; }
done
for sync in "${settings[@]}"; do
  CRATER_SQLITE_SYNCHRONOUS="$sync" bench_start_crater "$tmp/data-$sync"
  acct="$(curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/users/@me/accounts" \
    | sed -n 's/^\[{"Id":\([0-9]*\).*/\1/p')"
  [ -n "$acct" ] || { log "no demo account"; exit 1; }
  for _ in $(seq 1 100); do   # the demo deposit is applied by the engine within a second or two
    curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/accounts/$acct/info" \
      | grep -q '"cash":100000' && break
    sleep 0.1
  done
  s_base[$sync]="$base"; s_key[$sync]="$key"; s_token[$sync]="$token"; s_account[$sync]="$acct"; s_pid[$sync]="$pid"
done

# wrk against the server of setting $1 for $2 seconds; prints its ORDERS line.
load() {
  BENCH_APP_KEY="${s_key[$1]}" BENCH_TOKEN="${s_token[$1]}" BENCH_ACCOUNT="${s_account[$1]}" \
    wrk -t2 -c"$conns" -d"${2}s" --latency --timeout 10s -s "$here/orders.lua" "${s_base[$1]}" | grep '^ORDERS'
}
for sync in "${settings[@]}"; do
  log "warm-up, synchronous=$sync (${warmup}s) ..."
  load "$sync" "$warmup" >/dev/null   # not reported
done
rows=()
declare -A total_ok total_s
for r in $(seq 1 "$rounds"); do
  # Alternate which setting goes first, so neither always follows the other's checkpoint backlog.
  order=("${settings[@]}"); [ $((r % 2)) -eq 0 ] && [ "${#settings[@]}" -eq 2 ] && order=("${settings[1]}" "${settings[0]}")
  for sync in "${order[@]}"; do
    log "round $r, synchronous=$sync ..."
    line="$(load "$sync" "$seconds")"
    rows+=("| $r | $(tr '[:lower:]' '[:upper:]' <<<"$sync") | $(awk '{for (i=1;i<=NF;i++) { split($i, kv, "="); v[kv[1]] = kv[2] } } END { printf "%s | %s | %s / %s ms | %s", v["ok_per_s"], v["ok"], v["p50_ms"], v["p99_ms"], v["other"] }' <<<"$line") |")
    total_ok[$sync]=$(( ${total_ok[$sync]:-0} + $(sed -n 's/.* ok=\([0-9]*\) .*/\1/p' <<<"$line") ))
    total_s[$sync]="$(awk -v a="${total_s[$sync]:-0}" '{for (i=1;i<=NF;i++) if ($i ~ /^duration_s=/) { split($i, kv, "="); print a + kv[2] }}' <<<"$line")"
  done
done
stored_line=""
for sync in "${settings[@]}"; do
  n="$(curl -s -H "Et-App-Key: ${s_key[$sync]}" -H "Authorization: Bearer ${s_token[$sync]}" \
    "${s_base[$sync]}/api/v1.0/accounts/${s_account[$sync]}/orders?pageNumber=0&pageSize=1" | sed -n 's/.*"TotalCount":\([0-9]*\).*/\1/p')"
  stored_line+="${stored_line:+; }$(tr '[:lower:]' '[:upper:]' <<<"$sync") $n"
done
mkdir -p "$here/results"
rate() { awk -v n="${total_ok[$1]}" -v s="${total_s[$1]}" 'BEGIN { printf "%.0f", n / s }'; }

{
  echo "### Trading — $(date -u +%Y-%m-%d), $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo
  echo "Engine commands per second, in process, one thread (\`dev.crater.bench.EngineRate $seconds $rounds\`):"
  echo
  echo '```'
  echo "$engine_lines"
  echo '```'
  echo
  echo "Orders placed over HTTP and stored (SQLite, group commit), \`wrk -t2 -c$conns -d${seconds}s --latency -s bench/orders.lua\` after ${warmup} s of warm-up, wrk on the same two cores, server JVM options \`${opts[*]}\`; two servers, one per \`CRATER_SQLITE_SYNCHRONOUS\` (FULL: each commit fsynced, the default; NORMAL: durable across process crashes only), measured in alternating rounds:"
  echo
  echo "| Round | synchronous | stored orders/s | stored | p50 / p99 | other answers |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  if [ "${#settings[@]}" -eq 2 ]; then
    echo "All rounds: FULL $(rate full) stored orders/s, NORMAL $(rate normal) (FULL / NORMAL = $(awk -v f="$(rate full)" -v n="$(rate normal)" 'BEGIN { printf "%.2f", f / n }'))."
  else
    echo "All rounds: $(tr '[:lower:]' '[:upper:]' <<<"${settings[0]}") $(rate "${settings[0]}") stored orders/s."
  fi
  echo "Orders in the stores afterwards (TotalCount of the account's list): $stored_line."
} | tee "$here/results/orders-latest.md"
