# Sourced by Nubo's scripts: sets JAVA_HOME to a JDK 21 or newer, or exits with a clear message.
# Looks at $JAVA_HOME, then the `java` on PATH, then every JDK under /usr/lib/jvm (newest first).

nubo_java_major() { # prints the major version of the JDK at $1, or nothing
  local home="$1" v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "$v"
}

nubo_find_jdk() {
  local c candidates=() seen=""
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    local major; major=$(nubo_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$c"; return 0
    fi
    seen="$seen $c${major:+ ($major)}"
  done
  echo "error: Nubo needs a JDK 21 or newer, and none was found." >&2
  echo "  looked at:${seen:- nothing}" >&2
  echo "hint: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME to it" >&2
  return 1
}

JAVA_HOME=$(nubo_find_jdk) || exit 1
export JAVA_HOME
