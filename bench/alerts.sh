#!/usr/bin/env bash
# Price-alert evaluation benchmark (issue #7): one command, one Markdown block (stdout and
# bench/results/alerts-latest.md).
#
#   bench/alerts.sh
#
# Runs dev.crater.bench.AlertRate in process, one thread, no store: 100,000 active alerts over 500
# securities in the in-memory AlertIndex; quote ticks evaluated per second (the same with 10,000
# alerts, to show the cost does not grow with their number) and alerts fired per second while
# prices sweep through every level. See the class comment for the details.
#
# Environment: BENCH_SECONDS (per measurement, default 5), BENCH_ROUNDS (default 3),
# BENCH_ACTIVE (default 100000), BENCH_SECURITIES (default 500), BENCH_SKIP_BUILD=1 to use target/
# as is.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${BENCH_SECONDS:-5}"
rounds="${BENCH_ROUNDS:-3}"
active="${BENCH_ACTIVE:-100000}"
securities="${BENCH_SECURITIES:-500}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] \
  && [[ "$rounds" =~ ^[0-9]+$ ]] && [ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] \
  && [[ "$active" =~ ^[0-9]+$ ]] && [ "$active" -ge 10 ] && [ "$active" -le 10000000 ] \
  && [[ "$securities" =~ ^[0-9]+$ ]] && [ "$securities" -ge 1 ] && [ "$securities" -le 100000 ] \
  || { echo "bench: need BENCH_SECONDS 1..600, BENCH_ROUNDS 1..20, BENCH_ACTIVE 10..10000000, BENCH_SECURITIES 1..100000" >&2; exit 2; }
log() { echo "bench: $*" >&2; }

. "$here/lib.sh"
JAVA_HOME="$(find_jdk || true)"
[ -n "$JAVA_HOME" ] || { log "no JDK 21 or newer found (see ./crater)"; exit 3; }
java="$JAVA_HOME/bin/java"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  log "building ..."
  (cd "$root" && JAVA_HOME="$JAVA_HOME" ./mvnw -q -B -DskipTests package) >&2
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/crater-alert-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# A private copy, so another build in the same tree cannot swap classes under the running JVM.
cp "$root/target/crater.jar" "$tmp/crater.jar"
cp -r "$root/target/test-classes" "$tmp/test-classes"
# The JVM options ./crater runs the server with, asked from ./crater itself so the two cannot drift.
read -r -a opts <<<"$(JAVA_HOME="${JAVA_HOME:-}" "$root/crater" jvm-options)"
[ "${#opts[@]}" -gt 0 ] || { echo "bench: ./crater jvm-options printed nothing" >&2; exit 3; }

log "alert evaluation ($active alerts, $securities securities, $rounds rounds of ${seconds}s) ..."
lines="$("$java" "${opts[@]}" -cp "$tmp/crater.jar:$tmp/test-classes" dev.crater.bench.AlertRate \
  "$seconds" "$rounds" "$active" "$securities" | grep '^ALERTS')"

mkdir -p "$here/results"
{
  echo "### Price alerts — $(date -u +%Y-%m-%d), $(nproc) cores, $("$java" -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo
  echo "In-memory alert index, one thread (\`bench/alerts.sh\` → \`dev.crater.bench.AlertRate $seconds $rounds $active $securities\`):"
  echo
  echo '```'
  echo "$lines"
  echo '```'
} | tee "$here/results/alerts-latest.md"
