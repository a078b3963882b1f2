#!/usr/bin/env bash
# Start-up and idle memory (issue 16): one command, one Markdown block (stdout and
# bench/results/startup-latest.md).
#
#   bench/startup.sh
#
# For Crater (`serve` on the embedded SQLite store, the JVM and class data sharing options of
# ./crater) and, in the same run, a bare Helidon SE 4 server with one route (dev.crater.bench.HelloServer,
# from a small jar of its own beside crater.jar, so it can use class data sharing too) on the same JVM
# and options, measures:
#   - start -> ready: from the fork of the JVM to the first 200 answer of GET /health/ready (Crater)
#     or GET /hello (baseline), polled every 5 ms from this shell (bash's /dev/tcp: no process per poll);
#     BENCH_RUNS runs each (median, max), on an existing store (migrated, demo data present) and an
#     existing archive; plus, reported apart, the first start on a fresh store and the first start
#     without an archive (which writes it when the server stops);
#   - the CPU the JVM used until ready (utime + stime from /proc/PID/stat);
#   - idle RSS: VmRSS from /proc/PID/status BENCH_SETTLE seconds after ready;
#   - what the heap holds: after that, `jcmd PID GC.heap_info` and `GC.class_histogram` (which collects
#     first: the live objects only), its total and top entries; and the RSS after that collection.
#
# Environment: BENCH_RUNS (default 5), BENCH_SETTLE (seconds, default 3), BENCH_SKIP_BUILD=1 to use
# target/ as is, BENCH_EXTRA_OPTS (more JVM options for both servers, after ./crater's, e.g.
# '-XX:+UseSerialGC -Xms16m' to measure a small-node choice). Run it on a quiet machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${BENCH_RUNS:-5}"
settle="${BENCH_SETTLE:-3}"
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 50 ] \
  && [[ "$settle" =~ ^[0-9]+$ ]] && [ "$settle" -le 60 ] \
  || { echo "bench: need BENCH_RUNS 1..50 and BENCH_SETTLE 0..60" >&2; exit 2; }
log() { echo "bench: $*" >&2; }

needs_wrk=0
. "$here/lib.sh"
bench_setup
jcmd="$JAVA_HOME/bin/jcmd"
[ -x "$jcmd" ] || { log "jcmd not found in $JAVA_HOME/bin"; exit 3; }
# BENCH_EXTRA_OPTS chooses a collector the way CRATER_JAVA_OPTS does (./crater jvm-options reads it).
if [ -n "${BENCH_EXTRA_OPTS:-}" ]; then
  read -r -a opts <<<"$(CRATER_JAVA_OPTS="$BENCH_EXTRA_OPTS" JAVA_HOME="$JAVA_HOME" "$root/crater" jvm-options)"
fi
read -r -a crater_cds <<<"$(JAVA_HOME="$JAVA_HOME" "$root/crater" serve-options "$tmp/crater.jar")"
# The baseline's own jar: class data sharing needs jars (a class directory on the path disables it).
"$JAVA_HOME/bin/jar" cf "$tmp/hello.jar" -C "$tmp/test-classes" dev/crater/bench/HelloServer.class
hello_cds=()
if [ "${#crater_cds[@]}" -gt 0 ]; then
  hello_cds=("-XX:SharedArchiveFile=$tmp/hello-serve.jsa" -XX:+AutoCreateSharedArchive)
fi

free_port() {  # a port nothing listens on (this shell's view of 127.0.0.1)
  local p
  while :; do
    p=$(( 20000 + RANDOM % 20000 ))
    { exec 3<>"/dev/tcp/127.0.0.1/$p"; } 2>/dev/null || { echo "$p"; return; }
    exec 3<&-
  done
}

exec 9<> <(:)   # read -t on this never returns data: a sleep without a process
# start PORT PATH cmd...: forks cmd, polls http://127.0.0.1:PORT/PATH until 200; sets pid, ready_ms, cpu_ms.
start() {
  local port="$1" path="$2" t0 t1 line st
  shift 2
  t0=$EPOCHREALTIME
  "$@" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  while :; do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
      line=""; read -r -t 5 line <&3 || true
      exec 3<&-
      [[ "$line" == *" 200"* ]] && break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the server ended before it was ready:"; cat "$tmp/out" "$tmp/err" >&2; pid=""; exit 1
    fi
    read -r -t 0.005 -u 9 || true
  done
  t1=$EPOCHREALTIME
  read -r -a st <"/proc/$pid/stat"
  ready_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  cpu_ms=$(( (st[13] + st[14]) * 1000 / $(getconf CLK_TCK) ))
}

rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

stop() {  # SIGTERM, then wait (an archive is written at this exit when there was none); sets stop_ms
  local t0=$EPOCHREALTIME
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; read -r -t 0.05 -u 9 || true; done
  kill -0 "$pid" 2>/dev/null && { log "server $pid did not stop"; kill -9 "$pid"; }
  stop_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  pid=""
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)) }'; }
max() { sort -n | tail -1; }

crater_cmd() {  # the server on $1 (port), store in $tmp/data; exec: the JVM is the forked process itself
  exec env -u CRATER_DB_URL -u CRATER_NO_DEMO -u CRATER_JAVA_OPTS "$java" "${opts[@]}" "${crater_cds[@]}" \
    -jar "$tmp/crater.jar" serve --host 127.0.0.1 --port "$1" --data-dir "$tmp/data"
}
hello_cmd() {
  exec "$java" "${opts[@]}" "${hello_cds[@]}" -cp "$tmp/crater.jar:$tmp/hello.jar" dev.crater.bench.HelloServer "$1"
}

# One measured run of $1 (crater|hello): prints "ready_ms cpu_ms rss_mb stop_ms"; with $2 = heap, also
# writes the heap figures to $tmp/heap-$1.
run() {
  local what="$1" port path
  # This runs in a command substitution, a subshell without the EXIT trap: stop its own server.
  trap '[ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null' EXIT
  port="$(free_port)"
  if [ "$what" = crater ]; then path=/health/ready; else path=/hello; fi
  start "$port" "$path" "${what}_cmd" "$port"
  local r="$ready_ms" c="$cpu_ms"
  sleep "$settle"
  local rss; rss="$(rss_mb "$pid")"
  if [ "${2:-}" = heap ]; then
    {
      echo "heap_info: $("$jcmd" "$pid" GC.heap_info | sed -n '2,3p' | tr -s ' ' | tr '\n' ' ')"
      "$jcmd" "$pid" GC.class_histogram >"$tmp/histo-$what"
      echo "live: $(awk '/^Total/ { printf "%.1f MB in %d objects", $3 / 1048576, $2 }' "$tmp/histo-$what")"
      echo "rss_after_collection: $(rss_mb "$pid") MB"
    } >"$tmp/heap-$what"
  fi
  stop
  echo "$r $c $rss $stop_ms"
}

numbers() {  # fails the run unless every argument is a number (a run that broke printed nothing)
  local a
  for a in "$@"; do [[ "$a" =~ ^[0-9]+$ ]] || { log "a run failed"; exit 1; }; done
}

# --- Crater: a fresh store (migrations, demo data: its users' Argon2 hashes), no archive yet.
log "Crater, first start: fresh store, no class data archive (written at its stop) ..."
read -r fresh_ms fresh_cpu fresh_rss fresh_stop <<<"$(run crater)"
numbers "$fresh_ms" "$fresh_cpu" "$fresh_rss" "$fresh_stop"
log "  ${fresh_ms} ms to ready, ${fresh_rss} MB, stop ${fresh_stop} ms"
if [ "${#crater_cds[@]}" -gt 0 ]; then
  log "Crater, existing store, archive written by the first start ..."
fi
crater_rows=()
for i in $(seq 1 "$runs"); do
  if [ "$i" = "$runs" ]; then line="$(run crater heap)"; else line="$(run crater)"; fi
  numbers $line
  crater_rows+=("$line")
  log "  run $i: $line"
done
# The same, without class data sharing (an archive made stale), to show what it gives.
nocds_ms="-"
if [ "${#crater_cds[@]}" -gt 0 ]; then
  saved=("${crater_cds[@]}"); crater_cds=()
  read -r nocds_ms nocds_cpu nocds_rss _ <<<"$(run crater)"
  numbers "$nocds_ms" "$nocds_cpu" "$nocds_rss"
  crater_cds=("${saved[@]}")
  log "Crater without class data sharing: ${nocds_ms} ms, ${nocds_rss} MB"
fi

log "bare Helidon (HelloServer), first start (writes its archive) ..."
read -r hfirst_ms _ hfirst_rss _ <<<"$(run hello)"
numbers "$hfirst_ms" "$hfirst_rss"
hello_rows=()
for i in $(seq 1 "$runs"); do
  if [ "$i" = "$runs" ]; then line="$(run hello heap)"; else line="$(run hello)"; fi
  numbers $line
  hello_rows+=("$line")
  log "  run $i: $line"
done

mkdir -p "$here/results"
col() { printf '%s\n' "${@:2}" | awk -v c="$1" '{ print $c }'; }
c_med=$(col 1 "${crater_rows[@]}" | median); c_max=$(col 1 "${crater_rows[@]}" | max)
c_cpu=$(col 2 "${crater_rows[@]}" | median); c_rss=$(col 3 "${crater_rows[@]}" | median)
c_rssmax=$(col 3 "${crater_rows[@]}" | max); c_stop=$(col 4 "${crater_rows[@]}" | median)
h_med=$(col 1 "${hello_rows[@]}" | median); h_max=$(col 1 "${hello_rows[@]}" | max)
h_cpu=$(col 2 "${hello_rows[@]}" | median); h_rss=$(col 3 "${hello_rows[@]}" | median)
h_rssmax=$(col 3 "${hello_rows[@]}" | max)

{
  echo "### Start-up and idle memory — $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo
  echo "JVM options (both servers): \`${opts[*]}\`; class data sharing: \`${crater_cds[*]:-off}\` (the baseline: its own archive)."
  echo "Start → ready: fork of the JVM → first 200 of \`GET /health/ready\` (Crater, SQLite store) or \`GET /hello\` (bare Helidon SE, one route). Idle RSS: VmRSS ${settle} s after ready. $runs runs each."
  echo
  echo "| Server | start → ready median / max | CPU until ready (median) | idle RSS median / max | stop (median) |"
  echo "|---|---|---|---|---|"
  echo "| Crater, existing store and archive | **${c_med} / ${c_max} ms** | ${c_cpu} ms | **${c_rss} / ${c_rssmax} MB** | ${c_stop} ms |"
  echo "| bare Helidon, existing archive | ${h_med} / ${h_max} ms | ${h_cpu} ms | ${h_rss} / ${h_rssmax} MB | |"
  echo
  echo "Reported apart (one run each):"
  echo
  echo "- Crater, first start on a fresh store (migrations, demo data), no archive yet: ${fresh_ms} ms to ready (CPU ${fresh_cpu} ms), idle RSS ${fresh_rss} MB; its stop, which wrote the archive: ${fresh_stop} ms."
  echo "- Crater, existing store, without class data sharing: ${nocds_ms} ms to ready${nocds_cpu:+ (CPU ${nocds_cpu} ms), idle RSS ${nocds_rss} MB}."
  echo "- Bare Helidon, first start (no archive yet): ${hfirst_ms} ms, ${hfirst_rss} MB."
  echo
  echo "What the heap holds at idle (last run of each, after the idle RSS was read; \`GC.class_histogram\` collects first, so *live* is what survives a full collection):"
  echo
  echo '```'
  echo "Crater        $(paste -sd' ' "$tmp/heap-crater")"
  echo "bare Helidon  $(paste -sd' ' "$tmp/heap-hello")"
  echo '```'
  echo
  echo "Crater's largest live classes:"
  echo
  echo '```'
  sed -n '1,18p' "$tmp/histo-crater" | sed 1d
  echo '```'
} | tee "$here/results/startup-latest.md"
