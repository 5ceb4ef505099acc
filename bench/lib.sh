# Shared helpers for Nubo's benchmarks. Source it from a script under bench/:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_require wrk nginx            # installs missing Debian packages (apt-get update only if needed)
#   bench_use_jdk                      # JAVA_HOME via bin/jdk.sh (for jcmd / jfr)
#   bench_start_nubo                   # a server in a temp NUBO_HOME on ephemeral ports
#   bench_nubo deploy "$dir"           # the CLI, talking to that server
#   ...                                # everything started is stopped on exit (bench_kill_later)
#
# Sets: BENCH_HOME (bench/), NUBO_ROOT (the checkout), BENCH_TMP (a temp dir removed on exit).
# After bench_start_nubo: NUBO_HOME, NUBO_SERVER_PID, NUBO_GATEWAY (http://127.0.0.1:P),
# NUBO_GATEWAY_PORT, NUBO_API, NUBO_TOKEN_FILE, NUBO_SERVER_LOG.
# Knobs: BENCH_KEEP_TMP=1 keeps the temp dir; NUBO_JAVA_OPTS adds JVM options to the server only
# (passed as JDK_JAVA_OPTIONS, which the java launcher reads; bin/nubo itself is unchanged).

set -euo pipefail

BENCH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NUBO_ROOT="$(cd "$BENCH_HOME/.." && pwd)"

bench_log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

bench_die() {
  printf 'error: %s\n' "$1" >&2
  if [ -n "${2:-}" ]; then printf 'hint: %s\n' "$2" >&2; fi
  exit 1
}

# A whole number from the variable NAME (default DEFAULT, from MIN to MAX; a trailing "s" is allowed):
#   DURATION=$(int_env DURATION 10 1 600)
int_env() { # NAME DEFAULT MIN MAX: a whole number of the variable (a trailing "s" is allowed)
  local v="${!1:-$2}"
  v="${v%s}"
  [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge "$3" ] && [ "$v" -le "$4" ] ||
    bench_die "$1=${!1} is not a whole number from $3 to $4" "e.g. $1=$2"
  echo "$v"
}

# --- cleanup -------------------------------------------------------------------------------------
# Processes are stopped newest first: SIGTERM, then SIGKILL after their grace (seconds).
_bench_pids=()
_bench_graces=()
_bench_hooks=()

bench_kill_later() { _bench_pids+=("$1"); _bench_graces+=("${2:-5}"); }

# A command to run at exit, before the processes are stopped (e.g. `bench_on_exit echo bye`).
bench_on_exit() { _bench_hooks+=("$*"); }

_bench_stop_pid() {
  local pid="$1" grace="$2" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  bench_log "pid $pid did not stop within ${grace}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  set +e
  for ((i = ${#_bench_hooks[@]} - 1; i >= 0; i--)); do eval "${_bench_hooks[$i]}"; done
  for ((i = ${#_bench_pids[@]} - 1; i >= 0; i--)); do _bench_stop_pid "${_bench_pids[$i]}" "${_bench_graces[$i]}"; done
  wait 2>/dev/null
  if [ -n "${BENCH_TMP:-}" ] && [ -d "$BENCH_TMP" ]; then
    if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then bench_log "kept $BENCH_TMP"; else rm -rf "$BENCH_TMP"; fi
  fi
  exit "$rc"
}

trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/nubo-bench.XXXXXX")"

# --- tools ---------------------------------------------------------------------------------------
# bench_require CMD[:PACKAGE]...  Makes sure each command exists, installing the missing ones'
# Debian packages with apt-get. `apt-get update` runs only when a package has no install candidate
# or the install fails (stale lists).
bench_require() {
  local spec cmd pkg missing=() sudo=()
  for spec in "$@"; do
    cmd="${spec%%:*}"; pkg="${spec#*:}"
    bench_has "$cmd" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || bench_die "missing: ${missing[*]}" "install them: apt-get install ${missing[*]}"
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null 2>&1 || bench_die "missing: ${missing[*]}, and there is no apt-get to install them" \
    "install ${missing[*]} with your package manager"
  local log="$BENCH_TMP/apt.log" p stale=0
  for p in "${missing[@]}"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' || stale=1
  done
  export DEBIAN_FRONTEND=noninteractive
  if [ "$stale" = 1 ]; then
    bench_log "apt-get update (no install candidate for some of: ${missing[*]})"
    "${sudo[@]}" apt-get update -q >>"$log" 2>&1 || { tail -n 20 "$log" >&2; bench_die "apt-get update failed"; }
  fi
  bench_log "installing ${missing[*]}"
  if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    bench_log "install failed; apt-get update and one more try"
    "${sudo[@]}" apt-get update -q >>"$log" 2>&1 || true
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || {
      tail -n 20 "$log" >&2
      bench_die "could not install ${missing[*]}" "run: apt-get update && apt-get install ${missing[*]}"
    }
  fi
  for spec in "$@"; do
    bench_has "${spec%%:*}" || bench_die "${spec%%:*} is still missing after installing ${spec#*:}"
  done
}

# Also looks in the sbin directories, which a non-root PATH often lacks (nginx lives in /usr/sbin).
bench_has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }

bench_which() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"
  elif [ -x "/usr/sbin/$1" ]; then echo "/usr/sbin/$1"
  elif [ -x "/sbin/$1" ]; then echo "/sbin/$1"
  else return 1; fi
}

# JAVA_HOME as bin/nubo picks it (a JDK 21+), for jcmd and jfr.
bench_use_jdk() {
  # shellcheck source=../bin/jdk.sh
  source "$NUBO_ROOT/bin/jdk.sh"
}

# --- ports and HTTP --------------------------------------------------------------------------------
# A loopback port nobody listens on, below the usual ephemeral range (32768+) so that outgoing
# connections do not take it meanwhile. Whoever binds it should still check that it worked.
bench_free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  bench_die "found no free loopback port"
}

# bench_wait_http URL SECONDS [curl args...]  Waits until URL answers (any HTTP status).
bench_wait_http() {
  local url="$1" secs="$2" i
  shift 2
  for ((i = 0; i < secs * 10; i++)); do
    curl -s -o /dev/null --max-time 1 "$@" "$url" && return 0
    sleep 0.1
  done
  return 1
}

# --- Nubo ----------------------------------------------------------------------------------------
bench_nubo() { "$NUBO_ROOT/bin/nubo" "$@"; }

# Builds Nubo if bin/nubo would (so no build happens while something is being timed).
bench_build_nubo() {
  bench_log "checking the Nubo build (bin/nubo builds on first use; about a minute)"
  bench_nubo --version >/dev/null || bench_die "bin/nubo does not run" "see the build log in $NUBO_ROOT/dist/target/build.log"
}

# bench_start_nubo [server options...]  A server in $BENCH_TMP/home on ephemeral ports. A second server
# (BENCH_NUBO_NAME=other bench_start_nubo ...) lives in $BENCH_TMP/other and logs to other.log; the
# variables below then describe the last one started (save them first to keep talking to the other).
bench_start_nubo() {
  local name="${BENCH_NUBO_NAME:-home}"
  export NUBO_HOME="$BENCH_TMP/$name"
  unset NUBO_SERVER NUBO_TOKEN  # the CLI must find this server through NUBO_HOME
  mkdir -p "$NUBO_HOME"
  NUBO_SERVER_LOG="$BENCH_TMP/${name/home/server}.log"
  bench_log "starting Nubo (NUBO_HOME=$NUBO_HOME)"
  # bin/nubo execs java, so $! is the server JVM. JDK_JAVA_OPTIONS reaches only this JVM.
  if [ -n "${NUBO_JAVA_OPTS:-}" ]; then
    JDK_JAVA_OPTIONS="$NUBO_JAVA_OPTS" "$NUBO_ROOT/bin/nubo" server --http-port 0 --api-port 0 "$@" >"$NUBO_SERVER_LOG" 2>&1 &
  else
    "$NUBO_ROOT/bin/nubo" server --http-port 0 --api-port 0 "$@" >"$NUBO_SERVER_LOG" 2>&1 &
  fi
  NUBO_SERVER_PID=$!
  bench_kill_later "$NUBO_SERVER_PID" 20  # SIGTERM stops its instances gracefully
  local i json="$NUBO_HOME/server.json"
  for ((i = 0; i < 1200; i++)); do
    if ! kill -0 "$NUBO_SERVER_PID" 2>/dev/null; then
      tail -n 30 "$NUBO_SERVER_LOG" >&2
      bench_die "the Nubo server exited while starting" "its log is above"
    fi
    [ -s "$json" ] && grep -q '"gateway"' "$json" && break
    sleep 0.1
  done
  [ -s "$json" ] || bench_die "no $json after 120 s" "see $NUBO_SERVER_LOG"
  NUBO_GATEWAY="$(bench_json_field "$json" gateway)"
  NUBO_API="$(bench_json_field "$json" api)"
  NUBO_GATEWAY_PORT="${NUBO_GATEWAY##*:}"
  NUBO_TOKEN_FILE="$NUBO_HOME/admin.token"
  bench_wait_http "$NUBO_API/v1/info" 30 -H "Authorization: Bearer $(cat "$NUBO_TOKEN_FILE")" \
    || bench_die "the control API at $NUBO_API does not answer" "see $NUBO_SERVER_LOG"
  bench_wait_http "$NUBO_GATEWAY/" 30 || bench_die "the gateway at $NUBO_GATEWAY does not answer" "see $NUBO_SERVER_LOG"
  bench_log "Nubo is up: gateway $NUBO_GATEWAY, API $NUBO_API, pid $NUBO_SERVER_PID"
}

# The string value of a top-level field in a flat JSON file such as server.json (no jq needed).
bench_json_field() {
  sed -n "s/^[[:space:]]*\"$2\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}[[:space:]]*$/\1/p" "$1" | head -n 1
}

# GET on the control API, with the admin token.
bench_api() { curl -sf -H "Authorization: Bearer $(cat "$NUBO_TOKEN_FILE")" "$NUBO_API$1"; }

# bench_instance_port SERVICE  The port of a READY instance of the serving revision (needs jq).
bench_instance_port() {
  bench_api "/v1/services/$1" \
    | jq -r '[.revisions[] | select(.serving) | .instances[] | select(.state == "READY") | .port][0] // empty'
}

# bench_instance_pid SERVICE  The pid of that instance's process.
bench_instance_pid() {
  bench_api "/v1/services/$1" \
    | jq -r '[.revisions[] | select(.serving) | .instances[] | select(.state == "READY") | .pid][0] // empty'
}

# --- CPU accounting --------------------------------------------------------------------------------
# bench_cpu_ticks PID...  user+system CPU ticks (1/CLK_TCK s) used so far by these processes and
# their children that are alive now (e.g. nginx's master and workers).
bench_cpu_ticks() {
  local p pids=() t=0
  for p in "$@"; do
    pids+=("$p")
    pids+=($(pgrep -P "$p" 2>/dev/null || true))
  done
  for p in "${pids[@]}"; do
    if [ -r "/proc/$p/stat" ]; then
      # fields 14 and 15 after the "(comm)" field, which may contain spaces
      t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
    fi
  done
  echo "$t"
}

# --- wrk -----------------------------------------------------------------------------------------
# bench_wrk_summary FILE  Prints "rps p50_ms p99_ms errors" from a `wrk --latency` output, where
# errors = socket errors (connect+read+write+timeout) + non-2xx/3xx responses.
bench_wrk_summary() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { err += $NF }
    END {
      if (rps == "") { print "NA NA NA NA"; exit }
      printf "%.0f %.3f %.3f %d\n", rps, p50, p99, err
    }' "$1"
}

# The median of numbers, one per line on stdin.
bench_median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# bench_busy_percent [SECONDS]  How busy the CPUs are right now (0-100), measured over SECONDS (1).
bench_busy_percent() {
  local a b
  a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
  sleep "${1:-1}"
  b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[2] - x[2]; printf "%d\n", (t > 0 ? 100 * (y[1] - x[1]) / t : 0) }'
}

# Warns when something else keeps the machine busy: a benchmark shares the cores with it.
bench_warn_if_busy() {
  local busy
  busy=$(bench_busy_percent 2)
  if [ "$busy" -gt "${1:-15}" ]; then
    bench_log "WARNING: the CPUs are already ${busy}% busy before the run; other work on this machine skews the results"
    ps -eo pcpu=,comm= --sort=-pcpu | head -n 3 | sed 's/^/    /' >&2
  fi
  echo "$busy"
}

# --- the machine ---------------------------------------------------------------------------------
bench_machine() {
  local cpu mem
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  mem="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "$(nproc) cores ($cpu), $mem RAM, Linux $(uname -r)"
}

# --- JFR -----------------------------------------------------------------------------------------
# bench_jfr_top FILE EVENT [N]  Aggregates stack samples from a JFR recording (EVENT is
# jdk.ExecutionSample, jdk.CPUTimeSample, or jdk.ObjectAllocationSample, weighted by bytes, each
# thread's first sample left out):
# the top N frames by self samples, then the top N dev.nubo frames counted inclusively (each
# sample counts once for every distinct dev.nubo method on its stack).
bench_jfr_top() {
  local file="$1" event="$2" n="${3:-25}"
  "$JAVA_HOME/bin/jfr" print --events "$event" --stack-depth 64 "$file" | awk -v n="$n" -v ev="$event" '
    function flush() {
      if (nf == 0) return
      # A thread'"'"'s first allocation sample weighs everything it allocated before the recording: skip it.
      if (ev ~ /Allocation/ && !(thread in first)) { first[thread] = 1; nf = 0; return }
      self[f[1]] += w; total += w; events++
      delete seen
      for (i = 1; i <= nf; i++) if (f[i] ~ /^dev\.nubo\./ && !(f[i] in seen)) { seen[f[i]] = 1; incl[f[i]] += w }
      nf = 0
    }
    /^[a-zA-Z.]+ \{/ { flush(); inStack = 0; w = 1; next }
    /^[[:space:]]*weight = / {
      # allocation samples: "weight = 1.2 MB"
      v = $3; u = $4
      m = (u ~ /^kB/) ? 1024 : (u ~ /^MB/) ? 1048576 : (u ~ /^GB/) ? 1073741824 : 1
      w = v * m; next
    }
    /^[[:space:]]*eventThread = / { thread = $0; next }
    /stackTrace = \[/ { inStack = 1; next }
    inStack && /^[[:space:]]*\]/ { inStack = 0; next }
    inStack {
      line = $0; sub(/^[[:space:]]+/, "", line); sub(/[[:space:]]+line:.*$/, "", line)
      if (line == "...") next
      f[++nf] = line; next
    }
    END {
      flush()
      unit = (ev ~ /Allocation/) ? "bytes" : "samples"
      printf "%s: %.0f %s in all (%d events)\n\nTop frames (self):\n", ev, total, unit, events
      for (k in self) printf "%14.0f %6.2f%%  %s\n", self[k], 100 * self[k] / total, k | "sort -k1,1gr | head -n " n
      close("sort -k1,1gr | head -n " n)
      printf "\ndev.nubo frames (inclusive):\n"
      for (k in incl) printf "%14.0f %6.2f%%  %s\n", incl[k], 100 * incl[k] / total, k | "sort -k1,1gr | head -n " n
      close("sort -k1,1gr | head -n " n)
    }'
}
