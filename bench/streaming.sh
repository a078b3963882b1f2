#!/usr/bin/env bash
# Streaming benchmark (issue 15): N sessions x M quote subscriptions against Crater's quote streamer
# and, in alternating rounds, against a bare Helidon WebSocket broadcast server
# (dev.crater.bench.BroadcastServer) fed the same N x M at the same tick; delivered messages/s,
# tick->receipt p50/p99 and the ratio; during Crater's rounds, order placed -> its Order message on
# the trade-data streamer. One command, one Markdown block (stdout and bench/results/streaming-latest.md).
#
#   bench/streaming.sh
#
# The load generator (dev.crater.bench.StreamLoad) runs on the same cores as the servers. Crater runs
# with a fresh SQLite store and the demo data (bench/lib.sh), CRATER_MARKET_TICK_MS=BENCH_TICK_MS,
# its market clock moved to a regular session (crater admin market clock --to-open: quotes move), and
# ceil(N/20) extra users (a user holds at most 20 streamer sockets) made by dev.crater.bench.BenchUsers.
# Both servers run the JVM options of ./crater jvm-options plus a flight recording of jdk.ThreadSleep
# only: the end of each market-ticker sleep is a tick's start, which is what tick->receipt is measured
# from (see StreamLoad's class comment and bench/README.md).
#
# Environment: BENCH_SESSIONS (N, default 2000), BENCH_KEYS (M, default 100), BENCH_TICK_MS (default
# 100), BENCH_SECONDS (one measured window, default 10), BENCH_ROUNDS (clean rounds per server,
# default 3), BENCH_WARMUP_SECONDS (first round of each server, default 20; later rounds 5),
# BENCH_SECURITIES (keys are security ids 1..this, default 500), BENCH_QUIET_WAIT (default 300), BENCH_DISTURBED_PCT (default 10), BENCH_SKIP_BUILD=1 to use target/
# as is, BENCH_PROFILE=DIR for a JFR profile (settings=profile) of each Crater window in DIR. wrk is not needed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
sessions="${BENCH_SESSIONS:-2000}"
keys="${BENCH_KEYS:-100}"
tick_ms="${BENCH_TICK_MS:-100}"
seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-3}"
warmup="${BENCH_WARMUP_SECONDS:-20}"
quiet_budget="${BENCH_QUIET_WAIT:-300}"
disturbed_pct="${BENCH_DISTURBED_PCT:-10}"
for v in "$sessions" "$keys" "$tick_ms" "$seconds" "$rounds" "$warmup" "$quiet_budget" "$disturbed_pct"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -le 100000 ] || { echo "bench: settings are whole numbers" >&2; exit 2; }
done
[ "$sessions" -ge 1 ] && [ "$sessions" -le 20000 ] && [ "$keys" -ge 1 ] && [ "$keys" -le 500 ] \
  && [ "$tick_ms" -ge 50 ] && [ "$tick_ms" -le 1000 ] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] \
  && [ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] && [ "$warmup" -ge 1 ] && [ "$warmup" -le 600 ] \
  || { echo "bench: need BENCH_SESSIONS 1..20000, BENCH_KEYS 1..500, BENCH_TICK_MS 50..1000, BENCH_SECONDS 1..600, BENCH_ROUNDS 1..20, BENCH_WARMUP_SECONDS 1..600" >&2; exit 2; }
later_warmup=5
users=$(( (sessions + 19) / 20 ))
cores="$(nproc)"
log() { echo "bench: $*" >&2; }

. "$here/lib.sh"
needs_wrk=0
bench_setup
source_rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$root" diff --quiet HEAD -- src pom.xml 2>/dev/null || source_rev="$source_rev with uncommitted changes"
# The tick instants: a recording of jdk.ThreadSleep events only, dumped by StreamLoad after each window.
opts+=("-XX:StartFlightRecording:name=bench,settings=none,+jdk.ThreadSleep#enabled=true,+jdk.ThreadSleep#threshold=10ms")
classpath="$tmp/crater.jar:$tmp/test-classes"
pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  # Not bench_cleanup: its last 'kill -9' of an already stopped server fails and, under set -e, ends
  # the trap before its rm.
  rm -rf "$tmp"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# --- Crater at the benchmark's tick, no login limiter (100 logins from one address).
metrics_token="streaming-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export CRATER_MARKET_TICK_MS="$tick_ms" CRATER_TOKEN_RATE_BURST=1000000 CRATER_TOKEN_RATE_PER_SECOND=1000000 \
  CRATER_METRICS_TOKEN="$metrics_token"
bench_start_crater
pids+=("$pid")
crater_pid="$pid"
log "Crater on $base (tick ${tick_ms} ms)"
clock="$("$java" -jar "$tmp/crater.jar" admin market clock --to-open --data-dir "$tmp/data" 2>&1)"
offset="$(sed -n 's/.*, offset \(-\{0,1\}P[^ ]*\).*/\1/p' <<<"$clock" | head -1)"
[ -n "$offset" ] || { log "could not move the market clock: $clock"; exit 1; }
log "market clock: $(head -1 <<<"$clock")"
"$java" -cp "$classpath" dev.crater.bench.BenchUsers "$tmp/data" streambench "$users" "$tmp/slots" 2>"$tmp/users.err" | grep '^BENCHUSERS' >&2 \
  || { log "could not create the bench users"; cat "$tmp/users.err" >&2; exit 1; }
account="$(curl -s -H "Et-App-Key: $key" -H "Authorization: Bearer $token" "$base/api/v1.0/users/@me/accounts" \
  | sed -n 's/^\[{"Id":\([0-9]*\).*/\1/p')"
[ -n "$account" ] || { log "no demo account"; exit 1; }
securities="${BENCH_SECURITIES:-500}"   # keys are security ids 1..this (the demo data has 553)
[[ "$securities" =~ ^[0-9]+$ ]] && [ "$securities" -ge 1 ] && [ "$securities" -le 553 ] || { log "BENCH_SECURITIES must be 1..553"; exit 2; }
[ "$keys" -le "$securities" ] || { log "BENCH_KEYS ($keys) is more than the $securities securities"; exit 2; }

# --- The load generator, driven line by line.
coproc LOAD { exec "$java" -Xmx4g -cp "$classpath" dev.crater.bench.StreamLoad crater="$base" appKey="$key" \
  userPrefix=streambench password=crater-demo-pass sessions="$sessions" keys="$keys" securities="$securities" \
  craterPid="$crater_pid" offset="$offset" demoToken="$token" account="$account" slots="$tmp/slots" metricsToken="$metrics_token" 2>"$tmp/load.err"; }
pids+=("$LOAD_PID")
load_pid="$LOAD_PID"
load_line() {  # load_line PATTERN: the next line of StreamLoad matching PATTERN (fails on ERROR or EOF)
  local line
  while IFS= read -r -t 900 line <&"${LOAD[0]}"; do
    echo "$line" >>"$tmp/load.out"
    case "$line" in ERROR*) log "load generator: $line"; tail -20 "$tmp/load.err" >&2; exit 1 ;; esac
    [[ "$line" =~ $1 ]] && { REPLY="$line"; return 0; }
  done
  log "load generator stopped"; tail -30 "$tmp/load.err" >&2; exit 1
}
load_line '^READY'
echo "sample $tmp/quote.json" >&"${LOAD[1]}"; load_line '^SAMPLE'; sample="$REPLY"
log "a real Crater quote message: $sample"

# --- The bare broadcast server, same JVM options (recording included), same tick, that message as template.
"$java" "${opts[@]}" -cp "$classpath" dev.crater.bench.BroadcastServer 0 "$tick_ms" "$tmp/quote.json" "$tmp/slots" >"$tmp/broadcast.out" 2>"$tmp/broadcast.err" &
broadcast_pid="$!"
pids+=("$broadcast_pid")
for _ in $(seq 1 300); do grep -q '^listening on ' "$tmp/broadcast.out" && break; sleep 0.1; done
broadcast_url="ws://$(sed -n 's/^listening on //p' "$tmp/broadcast.out" | head -1)"
[ "$broadcast_url" != "ws://" ] || { log "broadcast server did not start"; cat "$tmp/broadcast.err" >&2; exit 1; }
echo "set baseline $broadcast_url" >&"${LOAD[1]}"; load_line '^SET'
echo "set baselinePid $broadcast_pid" >&"${LOAD[1]}"; load_line '^SET'

# --- CPU bookkeeping (as bench/run.sh): wait for a quiet CPU before a round, measure what other
# processes took during its window.
busy_pct() {
  local a b
  a="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)"; sleep 1
  b="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]
    printf "%d", (busy + idle > 0 ? 100 * busy / (busy + idle) : 0) }'
}
wait_quiet() {
  local pct
  pct="$(busy_pct)"
  while [ "$pct" -ge 10 ] && [ "$quiet_budget" -gt 0 ]; do
    quiet_budget=$((quiet_budget - 1)); pct="$(busy_pct)"
  done
  [ "$pct" -lt 10 ] || log "warning: CPU $pct % busy with other work and the quiet-wait budget is spent"
}
proc_ticks() { cat /proc/[0-9]*/stat 2>/dev/null | awk '{ pid = $1; sub(/^.*\) /, ""); print pid, $12 + $13 }'; }
round_start() { r_wall="$(date +%s%N)"; proc_ticks >"$tmp/ticks0"; }
round_end() {
  local wall=$(( ($(date +%s%N) - r_wall) / 10000000 * cores ))
  proc_ticks >"$tmp/ticks1"
  awk -v own=" ${pids[*]} $$ " -v wall="$wall" '
    NR == FNR { t0[$1] = $2; next }
    index(own, " " $1 " ") == 0 { d += $2 - (($1 in t0) ? t0[$1] : 0) }
    END { printf "%d", (wall > 0 ? 100 * d / wall : 0) }' "$tmp/ticks0" "$tmp/ticks1"
}

# run_round KIND WARMUP: one round; appends "foreign% ROUND-line" to $tmp/KIND.rounds.
run_round() {
  local kind="$1" w="$2" foreign
  wait_quiet
  log "$kind round: ${sessions} sessions x ${keys} keys, ${w}s warm-up, ${seconds}s window"
  echo "round $kind $seconds $w" >&"${LOAD[1]}"
  load_line '^WINDOW start'; round_start
  if [ -n "${BENCH_PROFILE:-}" ] && [ "$kind" = crater ]; then  # a JFR profile of Crater's window
    mkdir -p "$BENCH_PROFILE"
    "${java%/java}/jcmd" "$crater_pid" JFR.start name=profile settings=profile duration="${seconds}s" \
      filename="$BENCH_PROFILE/crater-$(date +%s).jfr" >/dev/null 2>&1 || log "could not start the profile"
  fi
  load_line '^WINDOW end'; foreign="$(round_end)"
  load_line '^ROUND '
  echo "$foreign $REPLY" >>"$tmp/$kind.rounds"
  log "  other processes: ${foreign} %; $(sed 's/^ROUND //' <<<"$REPLY" | cut -d' ' -f5-13)"
}
clean_rounds() { [ -f "$tmp/$1.rounds" ] && awk -v lim="$disturbed_pct" '$1 <= lim' "$tmp/$1.rounds" | wc -l || echo 0; }
attempts() { [ -f "$tmp/$1.rounds" ] && wc -l <"$tmp/$1.rounds" || echo 0; }
: >"$tmp/baseline.rounds"; : >"$tmp/crater.rounds"
max_attempts=$((rounds * 3))
first_b="$warmup"; first_c="$warmup"
while { [ "$(clean_rounds baseline)" -lt "$rounds" ] || [ "$(clean_rounds crater)" -lt "$rounds" ]; } \
  && [ "$(attempts baseline)" -lt "$max_attempts" ] && [ "$(attempts crater)" -lt "$max_attempts" ]; do
  run_round baseline "$first_b"; first_b="$later_warmup"
  run_round crater "$first_c"; first_c="$later_warmup"
done
echo quit >&"${LOAD[1]}" || true

# --- Results.
# v FIELD LINE: the value of key FIELD in a ROUND line.
used() {  # used KIND: the rounds the totals use (clean ones, or all when none is clean)
  local clean; clean="$(awk -v lim="$disturbed_pct" '$1 <= lim' "$tmp/$1.rounds")"
  if [ -n "$clean" ]; then echo "$clean"; else cat "$tmp/$1.rounds"; fi
}
summary() {  # summary KIND: "rounds rate p50 p99 orderp50 orderp99 ordern status" (rate over totals, medians of rounds)
  used "$1" | awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      n++; m += v["messages"]; s += v["window_s"]; p50[n] = v["tick_p50_ms"]; p99[n] = v["tick_p99_ms"]
      if (v["orders"] == "measured" && v["order_n"] > 0) { on++; o50[on] = v["order_p50_ms"]; o99[on] = v["order_p99_ms"]; ocount += v["order_n"] }
      status = v["orders"] }
    function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return k ? a[int((k + 1) / 2)] : -1 }
    END { printf "%d %.0f %s %s %s %s %d %s\n", n, (s > 0 ? m / s : 0), med(p50, n), med(p99, n), med(o50, on), med(o99, on), ocount, status }'
}
read -r b_used b_rate b_p50 b_p99 _ _ _ _ <<<"$(summary baseline)"
read -r c_used c_rate c_p50 c_p99 o_p50 o_p99 o_n o_status <<<"$(summary crater)"
offered=$((sessions * keys))   # every subscription changes once a second
ratio="$(awk -v c="$c_rate" -v b="$b_rate" 'BEGIN { printf "%.2f", (b > 0 ? c / b : 0) }')"
verdict() { awk "BEGIN { print (($1) ? \"met\" : \"**missed**\") }"; }
clean_note() {
  local clean; clean="$(clean_rounds "$1")"
  if [ "$clean" -gt 0 ]; then echo "$clean clean rounds of $(attempts "$1") attempts"
  else echo "**no clean round in $(attempts "$1") attempts: totals use all of them**"; fi
}
if [ "$o_status" = measured ] && [ "$o_n" -eq 0 ]; then
  order_row="| **order placed → its Order message** | **no order completed in the windows** (no answer, or no message within 2 s: see the rounds) | ≤ 20 ms | **missed** |"
elif [ "$o_status" = measured ] && [ "$o_n" -gt 0 ]; then
  order_row="| **order placed → its Order message p99** (median round; $o_n orders) | **$o_p99 ms** (p50 $o_p50 ms) | ≤ 20 ms | $(verdict "$o_p99 <= 20") |"
else
  order_row="| order placed → its Order message | not available (the trade-data streamer refused the subscribe: ${o_status#not-available}) | ≤ 20 ms | not measured |"
fi
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
mem="$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
jdk="$("$java" -version 2>&1 | head -1)"
mkdir -p "$here/results"
{
  echo "### Streaming — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Source: $source_rev. Machine: $cores cores ($cpu), $mem RAM. JDK: $jdk; server JVM options: \`${opts[*]}\`." \
       "Load generator (\`StreamLoad\`: quote sessions on its NIO \`LeanClient\`, the order probe on java.net.http) on the same cores." \
       "\`BENCH_SESSIONS=$sessions BENCH_KEYS=$keys BENCH_TICK_MS=$tick_ms BENCH_SECONDS=$seconds BENCH_ROUNDS=$rounds bench/streaming.sh\`:" \
       "$sessions sessions × $keys quote subscriptions ($((sessions * keys)) in all, $users users), market tick $tick_ms ms, every quote changing once a second" \
       "(below a one-second tick each security at its own phase of the second, Market.phaseMs: N × M messages/s offered, spread over the ticks), alternating ${seconds}s windows after ${warmup}s (first) / ${later_warmup}s warm-ups." \
       "A real quote message: $(sed 's/^SAMPLE //' <<<"$sample")."
  echo
  echo "| Measurement | Result | Target | |"
  echo "| --- | --- | --- | --- |"
  echo "| Bare Helidon broadcast, delivered | $b_rate messages/s (tick → receipt p50 $b_p50 / p99 $b_p99 ms) | | |"
  echo "| **Crater, delivered** | **$c_rate messages/s** ($(awk -v c="$c_rate" -v o="$offered" 'BEGIN { printf "%.3f", c / o }') of the $offered/s offered) | ≥ 200,000 | $(verdict "$c_rate >= 200000 || ($offered >= 200000 && $c_rate >= 0.995 * $offered)") |"
  echo "| **Crater tick → receipt p99** (median round) | **$c_p99 ms** (p50 $c_p50 ms) | ≤ 100 ms | $(verdict "$c_p99 <= 100 && $c_p99 >= 0") |"
  echo "| **Crater ÷ broadcast** | **$ratio** | ≥ 0.7 | $(verdict "$ratio >= 0.7") |"
  echo "$order_row"
  echo
  echo "Baseline: $(clean_note baseline); Crater: $(clean_note crater). A round is clean when processes other than the benchmark's took at most $disturbed_pct % of the CPU during its window."
  echo
  echo "| Round | Server | Delivered msg/s | of offered | tick → receipt p50 / p99 / max | change → receipt p50 / p99 | Server cores / CPU per msg | Load generator cores | Order p50 / p99 (n) | Writer stalls | Other processes |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for kind in baseline crater; do
    awk -v lim="$disturbed_pct" -v kind="$kind" '
      { delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        o = (v["orders"] == "measured" ? sprintf("%s / %s ms (%s); POST answered %s / %s ms", v["order_p50_ms"], v["order_p99_ms"], v["order_n"], v["answer_p50_ms"], v["answer_p99_ms"]) : (kind == "crater" ? v["orders"] : ""))
        x = (v["exact_p50_ms"] >= 0 ? sprintf(" (embedded tick time: %s / %s)", v["exact_p50_ms"], v["exact_p99_ms"]) : "")
        printf "| %d%s | %s | %s | %.2f | %s / %s / %s ms%s | %s / %s ms | %s / %s µs | %s | %s | %s | %d %% |\n", NR, ($1 > lim ? " (disturbed)" : ""), kind,
          v["msgs_per_s"], (v["expected_per_s"] > 0 ? v["msgs_per_s"] / v["expected_per_s"] : 0), v["tick_p50_ms"], v["tick_p99_ms"], v["tick_max_ms"], x,
          v["change_p50_ms"], v["change_p99_ms"], v["server_cores"], v["server_cpu_us_per_msg"], v["client_cores"], o, v["writer_stalls"], $1 }' "$tmp/$kind.rounds"
  done
  echo
  echo "Latency method: a security's quote changes once a second at its phase and the first tick after the change sends it; a message's" \
       "change instant is its Date's second plus its security's phase; tick → receipt is measured from that tick's start (the end of the" \
       "ticker's sleep, from each server's own flight recording), change → receipt from the change instant (so it includes the wait for the" \
       "tick). See bench/README.md."
} | tee "$here/results/streaming-latest.md"
cp "$tmp/baseline.rounds" "$tmp/crater.rounds" "$tmp/load.out" "$here/results/" 2>/dev/null || true
