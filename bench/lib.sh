#!/usr/bin/env bash
# Shared by the bench scripts (sourced, not run).

# --- JDK: the one ./crater finds (JAVA_HOME, then javac on PATH, then the newest in /usr/lib/jvm);
# prints nothing when there is none (./crater says why on stderr). Needs $root.
find_jdk() {
  JAVA_HOME="${JAVA_HOME:-}" "$root/crater" java-home
}

# --- A benchmark run of our own server (bench/market.sh, bench/orders.sh). Needs $here, $root and
# log(). Finds the JDK, builds (unless BENCH_SKIP_BUILD=1), copies the jar and test classes to a
# private temporary directory (a build started meanwhile must not swap classes under the JVMs),
# reads the JVM options of ./crater. Sets java, tmp, opts; the EXIT trap stops the server.
bench_setup() {
  JAVA_HOME="$(find_jdk || true)"
  [ -n "$JAVA_HOME" ] || { log "no JDK 21 or newer found (see ./crater)"; exit 3; }
  java="$JAVA_HOME/bin/java"
  # bench/heavy.sh sets needs_wrk=0: its load generator is Java.
  if [ "${needs_wrk:-1}" = 1 ]; then
    command -v wrk >/dev/null 2>&1 || { log "wrk is required (Debian package 'wrk')"; exit 3; }
  fi
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building ..."
    (cd "$root" && JAVA_HOME="$JAVA_HOME" ./mvnw -q -B -DskipTests package) >&2
  fi
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/crater-bench.XXXXXX")"
  pid=""
  bench_pids=()
  trap 'bench_cleanup' EXIT
  cp "$root/target/crater.jar" "$tmp/crater.jar"
  cp -r "$root/target/test-classes" "$tmp/test-classes"
  # The JVM options ./crater runs the server with, asked from ./crater itself so the two cannot drift.
  read -r -a opts <<<"$(JAVA_HOME="${JAVA_HOME:-}" "$root/crater" jvm-options)"
  [ "${#opts[@]}" -gt 0 ] || { log "./crater jvm-options printed nothing"; exit 3; }
}

bench_cleanup() {
  local p
  for p in ${pid:-} "${bench_pids[@]}"; do bench_stop_crater "$p"; done
  rm -rf "$tmp"
}

# Stops the server with process id $1 (TERM, then KILL after 15 s); nothing when it is gone already.
bench_stop_crater() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# Starts Crater on a free port with a fresh SQLite store (in $1, default $tmp/data) and demo data,
# then logs in as "demo". Sets pid, base, key, token; the EXIT trap stops every server started.
# CRATER_* variables of the caller reach the server (e.g. CRATER_SQLITE_SYNCHRONOUS=normal
# bench_start_crater "$tmp/data-normal"), except CRATER_DB_URL and CRATER_NO_DEMO.
bench_start_crater() {
  local dir="${1:-$tmp/data}"
  log "starting Crater ..."
  env -u CRATER_DB_URL -u CRATER_NO_DEMO "$java" "${opts[@]}" -jar "$tmp/crater.jar" \
    serve --host 127.0.0.1 --port 0 --data-dir "$dir" >"$dir.out" 2>"$dir.err" &
  pid="$!"
  bench_pids+=("$pid")
  for _ in $(seq 1 600); do grep -q '^Log in:' "$dir.out" 2>/dev/null && break; sleep 0.1; done
  local port
  port="$(sed -n 's/^Crater is listening on [^ ]*:\([0-9][0-9]*\) .*/\1/p' "$dir.out" | head -1)"
  key="$(sed -n 's/^Demo company .*Et-App-Key: \([^ ]*\).*/\1/p' "$dir.out" | head -1)"
  [ -n "$port" ] && [ -n "$key" ] || { log "server did not start"; cat "$dir.out" "$dir.err" >&2; exit 1; }
  base="http://127.0.0.1:$port"
  token="$(curl -s -X POST -H "Et-App-Key: $key" -H "Username: demo" -H "Password: crater-demo-pass" \
    -H "Content-Length: 0" "$base/api/token" | sed -n 's/.*"Token":"\([^"]*\)".*/\1/p')"
  [ -n "$token" ] || { log "could not log in"; exit 1; }
}
