#!/usr/bin/env bash
# Crater benchmark suite: one command, one Markdown results block (stdout and bench/results/latest.md).
#
#   bench/run.sh
#
#   1. single-factor logins/s over HTTP (wrk + bench/login.lua, 200s only) against the Argon2id
#      hash rate on all cores (dev.crater.bench.HashRate, the server's own PasswordHasher);
#   2. GET /api/v1.0/users/@me/info req/s and p99 at 64 connections against a bare Helidon
#      "hello" server (dev.crater.bench.HelloServer) measured the same way.
#
# Each pair is measured in alternating rounds (hash, logins, hash, logins, ...; hello, info, ...)
# and compared on the totals: on a shared or virtual machine the CPU on offer drifts by a factor
# of two within seconds, and two back-to-back runs would compare two different machines. Before
# each round the script waits for other processes to leave the CPU; a round in which they took a
# noticeable share anyway is listed but not counted, and repeated.
#
# Everything runs on 127.0.0.1 against servers this script starts on free ports with a fresh
# temporary data directory; everything it starts is stopped on exit. See bench/README.md.
#
# Environment: BENCH_SECONDS (one measured round, default 10), BENCH_ROUNDS (default 3),
# BENCH_WARMUP_SECONDS (default 20), BENCH_LOGIN_CONNECTIONS (default 16), BENCH_QUIET_WAIT (total
# seconds the run may wait for a quiet CPU, default 300), BENCH_DISTURBED_PCT (share of the CPU
# other processes may take in a round that counts, default 10), BENCH_SKIP_BUILD=1 to use target/ as is.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
results_dir="$here/results"

seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-3}"
warmup="${BENCH_WARMUP_SECONDS:-20}"
login_conns="${BENCH_LOGIN_CONNECTIONS:-16}"
quiet_budget="${BENCH_QUIET_WAIT:-300}"
disturbed_pct="${BENCH_DISTURBED_PCT:-10}"
wrk_threads=2           # the issue's command: wrk -t2 -c64 -d10s --latency
info_conns=64
cores="$(nproc)"
# Every knob ends up in arithmetic and timeouts: refuse anything but small whole numbers early.
for v in "$seconds" "$rounds" "$warmup" "$login_conns" "$quiet_budget" "$disturbed_pct"; do
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -le 3600 ] || { echo "bench: BENCH_* settings must be whole numbers 0..3600" >&2; exit 2; }
done
[ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] && [ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] \
  && [ "$warmup" -ge 1 ] && [ "$warmup" -le 600 ] && [ "$login_conns" -ge 1 ] && [ "$login_conns" -le 1000 ] \
  || { echo "bench: need BENCH_SECONDS 1..600, BENCH_ROUNDS 1..20, BENCH_WARMUP_SECONDS 1..600, BENCH_LOGIN_CONNECTIONS 1..1000" >&2; exit 2; }
# Ceiling for any single wrk run or HashRate answer, so a hung tool cannot hold the script forever.
run_limit=$((seconds + warmup + 60))

# The JVM options ./crater runs the server with, asked from ./crater itself so the two cannot
# drift; HashRate and HelloServer get them too, so all three are compared on equal terms (the
# garbage collector, for one, changes what Argon2id's 19 MiB per hash costs).
read -r -a java_opts <<<"$(JAVA_HOME="${JAVA_HOME:-}" "$root/crater" jvm-options)"
[ "${#java_opts[@]}" -gt 0 ] || { echo "bench: ./crater jvm-options printed nothing" >&2; exit 3; }

log() { echo "bench: $*" >&2; }

# --- JDK: the same search as ./crater (bench/lib.sh).
. "$here/lib.sh"
JAVA_HOME="$(find_jdk || true)"
[ -n "$JAVA_HOME" ] || { log "no JDK 21 or newer found (see ./crater)"; exit 3; }
export JAVA_HOME
java="$JAVA_HOME/bin/java"

# --- Tools. wrk is a Debian package; install it rather than fail, and say so.
if ! command -v wrk >/dev/null 2>&1; then
  log "wrk is missing; installing it with apt-get (Debian package 'wrk') ..."
  { apt-get update -qq && apt-get install -y -qq wrk; } >&2 || { log "could not install wrk; install it and run again"; exit 3; }
fi
command -v curl >/dev/null 2>&1 || { log "curl is required"; exit 3; }

# --- Build: 'package' runs test-compile too, so this yields the jar and target/test-classes.
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building with $("$java" -version 2>&1 | head -1) ..."
  (cd "$root" && ./mvnw -q -B -DskipTests package) >&2
fi
[ -f "$root/target/crater.jar" ] && [ -f "$root/target/test-classes/dev/crater/bench/HelloServer.class" ] \
  || { log "build output missing: target/crater.jar or the bench test classes"; exit 3; }
# What was measured: the commit, and whether the work tree differed from it at build time.
source_rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$root" diff --quiet HEAD -- src pom.xml 2>/dev/null || source_rev="$source_rev with uncommitted changes"

# --- Processes we start, and their cleanup on any exit.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/crater-bench.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Up to 15 s for each JVM to stop (2 s is usual, more on a loaded machine), then force it.
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run from a private copy: a build started meanwhile in the same tree (another engineer's
# ./crater test) rewrites target/ and must not swap classes under running JVMs.
mkdir -p "$tmp/test-classes"
cp "$root/target/crater.jar" "$tmp/crater.jar"
cp -r "$root/target/test-classes/dev" "$tmp/test-classes/"
jar="$tmp/crater.jar"
classpath="$jar:$tmp/test-classes"

# wait_for FILE REGEX SECONDS PID: until FILE has a line matching REGEX; fails (showing the
# process's output) when the process died or the time ran out.
wait_for() {
  local file="$1" regex="$2" limit="$3" pid="$4"
  for _ in $(seq 1 $((limit * 10))); do
    grep -Eq "$regex" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  log "timed out or exited waiting for /$regex/ in $file:"
  tail -n 30 "$file" "${file%.out}.err" >&2 2>/dev/null || true
  exit 1
}

# --- CPU bookkeeping, in clock ticks (USER_HZ) as /proc reports them. Other processes on the
# machine (builds, test runs) take cores from the servers and from wrk, so the run waits for a
# quiet CPU before each round and measures what other processes took during it.
busy_pct() {  # percent of all cores busy over the next second, whoever uses them
  local a b
  a="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)"; sleep 1
  b="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]
    printf "%d", (busy + idle > 0 ? 100 * busy / (busy + idle) : 0) }'
}
wait_quiet() {  # until the CPU is under 10 % busy, within what is left of the BENCH_QUIET_WAIT budget
  local pct
  pct="$(busy_pct)"
  while [ "$pct" -ge 10 ] && [ "$quiet_budget" -gt 0 ]; do
    quiet_budget=$((quiet_budget - 1)); pct="$(busy_pct)"
  done
  [ "$pct" -lt 10 ] || log "warning: CPU $pct % busy with other work and the quiet-wait budget is spent"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # user + system time
wait_idle() {  # until process $1 uses under 10 % of a core over half a second (queued logins drained)
  local a b
  for _ in $(seq 1 40); do
    a="$(cpu_ticks "$1")"; sleep 0.5; b="$(cpu_ticks "$1")"
    [ $((b - a)) -le 5 ] && return 0
  done
  log "warning: process $1 is still busy after 20 s"
}
# "pid ticks" of every live process, in one pass (the comm field may hold spaces: cut at ") ").
proc_ticks() { cat /proc/[0-9]*/stat 2>/dev/null | awk '{ pid = $1; sub(/^.*\) /, ""); print pid, $12 + $13 }'; }
# round_start / round_end bracket a round; round_end prints the % of all cores that processes
# other than ours used in between (those alive at its end; wrk has exited by then).
round_start() { r_wall="$(date +%s%N)"; proc_ticks >"$tmp/ticks0"; }
round_end() {
  local wall=$(( ($(date +%s%N) - r_wall) / 10000000 * cores ))
  proc_ticks >"$tmp/ticks1"
  awk -v own=" ${pids[*]} $$ " -v wall="$wall" '
    NR == FNR { t0[$1] = $2; next }
    index(own, " " $1 " ") == 0 { d += $2 - (($1 in t0) ? t0[$1] : 0) }
    END { printf "%d", (wall > 0 ? 100 * d / wall : 0) }' "$tmp/ticks0" "$tmp/ticks1"
}

# --- Crater: fresh SQLite store with demo data, loopback only, port 0 = a free port.
# CRATER_DB_URL is dropped so the run always uses the fresh embedded store, never a shared one.
# The per-address limit on POST /token (default 300 at once, then 5/s) is lifted: every request
# here comes from 127.0.0.1, and the login benchmark measures capacity, not the limiter.
log "starting Crater ..."
env -u CRATER_DB_URL -u CRATER_NO_DEMO CRATER_TOKEN_RATE_BURST=1000000 CRATER_TOKEN_RATE_PER_SECOND=1000000 \
  "$java" "${java_opts[@]}" -jar "$jar" \
  serve --host 127.0.0.1 --port 0 --data-dir "$tmp/data" >"$tmp/crater.out" 2>"$tmp/crater.err" &
crater_pid="$!"
pids+=("$crater_pid")
wait_for "$tmp/crater.out" '^Log in:' 120 "$crater_pid"   # printed after the app key
crater_port="$(sed -n 's/^Crater is listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$tmp/crater.out" | head -1)"
app_key="$(sed -n 's/^Demo company .*Et-App-Key: \([^ ]*\).*/\1/p' "$tmp/crater.out" | head -1)"
[ -n "$crater_port" ] && [ -n "$app_key" ] || { log "could not read port or app key:"; cat "$tmp/crater.out" >&2; exit 1; }
base="http://127.0.0.1:$crater_port"
log "Crater on $base"

# --- The hello baseline server, same JVM options.
"$java" "${java_opts[@]}" -cp "$classpath" dev.crater.bench.HelloServer 0 >"$tmp/hello.out" 2>"$tmp/hello.err" &
hello_pid="$!"
pids+=("$hello_pid")
wait_for "$tmp/hello.out" '^listening on ' 60 "$hello_pid"
hello_url="http://$(sed -n 's/^listening on //p' "$tmp/hello.out" | head -1)/hello"

# --- HashRate stays up between slices (warm JIT), driven line by line through a coprocess.
coproc HASHRATE { exec "$java" "${java_opts[@]}" -cp "$classpath" dev.crater.bench.HashRate --stdin "$cores" 2>"$tmp/hashrate.err"; }
pids+=("$HASHRATE_PID")
hash_slice() {  # hash_slice SECONDS: sets hash_n (hashes) and hash_s (seconds taken)
  local line
  echo "$1" >&"${HASHRATE[1]}"
  IFS= read -r -t "$run_limit" line <&"${HASHRATE[0]}" || { log "HashRate did not answer"; cat "$tmp/hashrate.err" >&2; exit 1; }
  echo "$line" >>"$tmp/hashrate.out"
  hash_n="$(sed -n 's/.* hashes=\([0-9]*\) .*/\1/p' <<<"$line")"
  hash_s="$(sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' <<<"$line")"
}

# --- Parsing wrk output.
# wrk_stats FILE: prints "requests seconds p50_ms p99_ms non2xx socket_errors" of a --latency run.
wrk_stats() {
  awk '
    function ms(v) {   # wrk prints 812.00us, 1.23ms, 1.02s or 1.50m
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0
    }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    / requests in / { n = $1; d = $4; sub(/s,?$/, "", d) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
    END { printf "%d %.3f %.2f %.2f %d %d\n", n, d, p50, p99, bad + 0, err + 0 }' "$1"
}
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }   # calc EXPRESSION [DECIMALS]
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$@"; }
wrk_run() { timeout "$run_limit" wrk -t"$wrk_threads" "$@"; }

# --- Sanity checks: a wrong key, password or token must stop the run, not yield fast 401s.
login_headers=(-H "Et-App-Key: $app_key" -H "Username: demo" -H "Password: crater-demo-pass" -H "Content-Length: 0")
status="$(http_status -X POST "${login_headers[@]}" "$base/api/token")"
[ "$status" = 200 ] || { log "demo login answered $status, expected 200"; exit 1; }
token="$(curl -s --max-time 30 -X POST "${login_headers[@]}" "$base/api/token" | sed -n 's/.*"Token":"\([^"]*\)".*/\1/p')"
[ -n "$token" ] || { log "could not obtain a token"; exit 1; }
info_url="$base/api/v1.0/users/@me/info"
auth_headers=(-H "Et-App-Key: $app_key" -H "Authorization: Bearer $token")
status="$(http_status "${auth_headers[@]}" "$info_url")"
[ "$status" = 200 ] || { log "info answered $status, expected 200"; exit 1; }
status="$(http_status "$hello_url")"
[ "$status" = 200 ] || { log "hello answered $status, expected 200"; exit 1; }

# login.lua reads the credentials from these BENCH_* variables (nothing else does).
export BENCH_APP_KEY="$app_key" BENCH_USER=demo BENCH_PASSWORD=crater-demo-pass
login_wrk=(-c"$login_conns" --latency --timeout 10s -s "$here/login.lua" "$base/api/token")

# --- Warm-up: JIT and pools of every process; results thrown away.
log "warming up (${warmup}s each) ..."
hash_slice "$warmup"; : >"$tmp/hashrate.out"
wrk_run -d"${warmup}s" "${login_wrk[@]}" >/dev/null; wait_idle "$crater_pid"
wrk_run -c"$info_conns" -d"${warmup}s" "$hello_url" >/dev/null
wrk_run -c"$info_conns" -d"${warmup}s" "${auth_headers[@]}" "$info_url" >/dev/null

# --- Rounds. Each round is one line in a table file; a round in which other processes took more
# than BENCH_DISTURBED_PCT of the CPU is kept in the listing but left out of the totals and
# repeated, up to three times as many attempts as rounds. Totals fall back to every round (and
# say so) when not one was clean.
max_attempts=$((rounds * 3))
# rounds_needed FILE: true while FILE has fewer clean rounds than wanted and attempts are left.
rounds_needed() {
  local clean attempts
  clean="$(awk -v lim="$disturbed_pct" '$2 <= lim' "$1" | wc -l)"; attempts="$(wc -l <"$1")"
  [ "$clean" -lt "$rounds" ] && [ "$attempts" -lt "$max_attempts" ]
}

# --- 1. Logins against the hash rate, alternating.
# login.rounds: attempt foreign% hashes hash_seconds logins_200 login_seconds non200 socket_errors p50 p99
#               hashrate_cpu_ticks server_cpu_ticks (CPU of each JVM during its own slice)
: >"$tmp/login.rounds"
while rounds_needed "$tmp/login.rounds"; do
  a=$(($(wc -l <"$tmp/login.rounds") + 1))
  wait_idle "$crater_pid"; wait_quiet
  log "login round, attempt $a: hash rate ${seconds}s, then logins ${seconds}s"
  round_start
  t0="$(cpu_ticks "$HASHRATE_PID")"; hash_slice "$seconds"; t1="$(cpu_ticks "$HASHRATE_PID")"
  c0="$(cpu_ticks "$crater_pid")"; wrk_run -d"${seconds}s" "${login_wrk[@]}" >"$tmp/login.$a.wrk"; c1="$(cpu_ticks "$crater_pid")"
  foreign="$(round_end)"
  read -r ok other secs <<<"$(sed -n 's/^LOGIN ok=\([0-9]*\) other=\([0-9]*\) duration_s=\([0-9.]*\).*/\1 \2 \3/p' "$tmp/login.$a.wrk")"
  [ -n "${secs:-}" ] || { log "login run printed no LOGIN line"; cat "$tmp/login.$a.wrk" >&2; exit 1; }
  read -r _ _ p50 p99 _ errs <<<"$(wrk_stats "$tmp/login.$a.wrk")"
  echo "$a $foreign $hash_n $hash_s $ok $secs $other $errs $p50 $p99 $((t1 - t0)) $((c1 - c0))" >>"$tmp/login.rounds"
done
wait_idle "$crater_pid"

# --- 2. hello against info, alternating, both at 64 connections.
# get.rounds: attempt foreign% hello_n hello_s hello_p50 hello_p99 info_n info_s info_p50 info_p99 failures
#             hello_cpu_ticks crater_cpu_ticks (CPU of each server during its own run)
: >"$tmp/get.rounds"
while rounds_needed "$tmp/get.rounds"; do
  a=$(($(wc -l <"$tmp/get.rounds") + 1))
  wait_quiet
  log "get round, attempt $a: hello ${seconds}s, then info ${seconds}s"
  round_start
  h0="$(cpu_ticks "$hello_pid")"; wrk_run -c"$info_conns" -d"${seconds}s" --latency "$hello_url" >"$tmp/hello.$a.wrk"; h1="$(cpu_ticks "$hello_pid")"
  c0="$(cpu_ticks "$crater_pid")"; wrk_run -c"$info_conns" -d"${seconds}s" --latency "${auth_headers[@]}" "$info_url" >"$tmp/info.$a.wrk"; c1="$(cpu_ticks "$crater_pid")"
  foreign="$(round_end)"
  read -r hn hs hp50 hp99 hbad herr <<<"$(wrk_stats "$tmp/hello.$a.wrk")"
  read -r i_n i_s ip50 ip99 ibad ierr <<<"$(wrk_stats "$tmp/info.$a.wrk")"
  echo "$a $foreign $hn $hs $hp50 $hp99 $i_n $i_s $ip50 $ip99 $((hbad + herr + ibad + ierr)) $((h1 - h0)) $((c1 - c0))" >>"$tmp/get.rounds"
done

# --- Results, computed from the round tables.
# used FILE: the rounds the totals use (clean ones, or all when none is clean).
used() { awk -v lim="$disturbed_pct" '$2 <= lim' "$1" | grep -q . && awk -v lim="$disturbed_pct" '$2 <= lim' "$1" || cat "$1"; }
# CPU per operation (1 tick = 10 ms) drifts far less than rates when the host's capacity does.
read -r login_used hash_rate login_rate login_ratio hash_ms login_ms <<<"$(used "$tmp/login.rounds" | awk '
  function q(a, b) { return b ? a / b : 0 }
  { n++; h += $3; hs += $4; l += $5; ls += $6; hc += $11; lc += $12 }
  END { printf "%d %.2f %.2f %.2f %.1f %.1f\n", n, q(h, hs), q(l, ls), q(q(l, ls), q(h, hs)), q(10 * hc, h), q(10 * lc, l) }')"
read -r get_used hello_rps info_rps info_ratio hello_us info_us <<<"$(used "$tmp/get.rounds" | awk '
  function q(a, b) { return b ? a / b : 0 }
  { n++; h += $3; hs += $4; i += $7; is += $8; hc += $12; ic += $13 }
  END { printf "%d %.0f %.0f %.2f %.1f %.1f\n", n, q(h, hs), q(i, is), q(q(i, is), q(h, hs)), q(10000 * hc, h), q(10000 * ic, i) }')"
# The median used round's p99: each round is exactly the issue's wrk command, and the median keeps
# one round disturbed by another process from deciding alone. Every round's p99 is listed.
info_p99="$(used "$tmp/get.rounds" | awk '{ print $10 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
failures="$(awk '{ f += $7 + $8 } END { print f + 0 }' "$tmp/login.rounds")"
failures=$((failures + $(awk '{ f += $11 } END { print f + 0 }' "$tmp/get.rounds")))
valid=yes; [ "$failures" -eq 0 ] || valid=no
clean_note() {  # clean_note FILE USED: how many rounds the totals rest on
  local clean; clean="$(awk -v lim="$disturbed_pct" '$2 <= lim' "$1" | wc -l)"
  if [ "$clean" -gt 0 ]; then echo "$2 clean rounds of $(wc -l <"$1") attempts"
  else echo "**no clean round in $(wc -l <"$1") attempts: totals use all of them**"; fi
}
verdict() { awk "BEGIN { print (($1) ? \"met\" : \"**missed**\") }"; }

cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
mem="$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
jdk="$("$java" -version 2>&1 | head -1)"
mkdir -p "$results_dir"
{
  echo "### Crater benchmark results, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Source: $source_rev. Machine: $cores cores ($cpu), $mem RAM. JDK: $jdk; JVM options: ${java_opts[*]}." \
       "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), on the same cores as the servers." \
       "$rounds alternating rounds of ${seconds}s per measurement, after ${warmup}s warm-ups."
  echo
  echo "| Measurement | Result | Target | |"
  echo "| --- | --- | --- | --- |"
  echo "| Argon2id hash rate, $cores threads, m=19456 KiB t=2 p=1 | $hash_rate hashes/s | | |"
  echo "| Single-factor logins, wrk -t$wrk_threads -c$login_conns, 200s only | $login_rate logins/s | | |"
  echo "| **logins/s ÷ hash rate** | **$login_ratio** | ≥ 0.90 | $(verdict "$login_ratio >= 0.9") |"
  echo "| Bare Helidon hello, wrk -t$wrk_threads -c$info_conns | $hello_rps req/s | | |"
  echo "| users/@me/info, wrk -t$wrk_threads -c$info_conns | $info_rps req/s | | |"
  echo "| **info ÷ hello** | **$info_ratio** | ≥ 0.60 | $(verdict "$info_ratio >= 0.6") |"
  echo "| **info p99** (median round) | **$info_p99 ms** | ≤ 5 ms | $(verdict "$info_p99 <= 5") |"
  echo
  echo "CPU per operation (all threads of the JVM concerned, during its own runs): $hash_ms ms per hash in HashRate," \
       "$login_ms ms per login in Crater; $hello_us µs per hello request, $info_us µs per info request" \
       "(info ÷ hello: $(calc "$info_us / ($hello_us + 0.0001)") × the server CPU)."
  echo
  echo "Logins: $(clean_note "$tmp/login.rounds" "$login_used"). hello/info: $(clean_note "$tmp/get.rounds" "$get_used")." \
       "A round is clean when processes other than the benchmark's took at most $disturbed_pct % of the CPU."
  echo
  echo "| Round | Hashes/s | Logins/s | Ratio | Login p50 / p99 | CPU per hash / login | CPU taken by other processes |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  awk -v lim="$disturbed_pct" 'function q(a, b) { return b ? a / b : 0 }
    { printf "| %d%s | %.2f | %.2f | %.2f | %s / %s ms | %.1f / %.1f ms | %d %% |\n", $1, ($2 > lim ? " (disturbed)" : ""),
      q($3, $4), q($5, $6), q(q($5, $6), q($3, $4)), $9, $10, q(10 * $11, $3), q(10 * $12, $5), $2 }' "$tmp/login.rounds"
  echo
  echo "| Round | hello req/s | hello p50 / p99 | info req/s | info p50 / p99 | info ÷ hello | server CPU per hello / info | CPU taken by other processes |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  awk -v lim="$disturbed_pct" 'function q(a, b) { return b ? a / b : 0 }
    { printf "| %d%s | %.0f | %s / %s ms | %.0f | %s / %s ms | %.2f | %.1f / %.1f µs | %d %% |\n", $1, ($2 > lim ? " (disturbed)" : ""),
      q($3, $4), $5, $6, q($7, $8), $9, $10, q(q($7, $8), q($3, $4)), q(10000 * $12, $3), q(10000 * $13, $7), $2 }' "$tmp/get.rounds"
  echo
  echo "Failed requests (non-2xx, socket errors) over all rounds: $failures. Valid run: $valid."
  echo
  echo "Per round: \`HashRate --stdin $cores\` fed \`$seconds\`;" \
       "\`wrk -t$wrk_threads -c$login_conns -d${seconds}s --latency --timeout 10s -s bench/login.lua http://127.0.0.1:PORT/api/token\`;" \
       "\`wrk -t$wrk_threads -c$info_conns -d${seconds}s --latency http://127.0.0.1:PORT/hello\`;" \
       "\`wrk -t$wrk_threads -c$info_conns -d${seconds}s --latency -H 'Et-App-Key: …' -H 'Authorization: Bearer …' http://127.0.0.1:PORT/api/v1.0/users/@me/info\`."
} | tee "$results_dir/latest.md"
# The raw outputs beside the summary, for the full latency distributions.
rm -f "$results_dir"/*.wrk "$results_dir"/*.rounds "$results_dir"/hashrate.out
cp "$tmp"/*.wrk "$tmp"/*.rounds "$tmp/hashrate.out" "$results_dir/"

[ "$valid" = yes ] || { log "some requests failed; the numbers above are not a clean measurement"; exit 1; }
