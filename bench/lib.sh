#!/usr/bin/env bash
# Shared by the bench scripts (sourced, not run).

# --- JDK: the same search as ./crater (JAVA_HOME, then javac on PATH, then newest in /usr/lib/jvm).
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}
ok_jdk() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local m; m="$(java_major "$1/bin/java")"
  [[ "$m" =~ ^[0-9]+$ ]] && [ "$m" -ge 21 ]
}
find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && ok_jdk "$JAVA_HOME"; then echo "$JAVA_HOME"; return; fi
  if command -v javac >/dev/null 2>&1; then
    local p; p="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    if ok_jdk "$p"; then echo "$p"; return; fi
  fi
  local d best="" best_major=0 m
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    ok_jdk "$d" || continue
    m="$(java_major "$d/bin/java")"
    if [ "$m" -gt "$best_major" ]; then best="$d"; best_major="$m"; fi
  done
  [ -n "$best" ] && echo "$best"
}
