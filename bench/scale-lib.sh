# Shared helpers for the autoscaling benchmarks (bench/burst.sh, bench/loadstep.sh, bench/rollout.sh), on top of
# bench/lib.sh (which this sources). The upstream is bench/apps/sleepy (Python, standard library only); the
# polling, sampling and parsing live in bench/scale-tools.py.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/scale-lib.sh"
#   ROUNDS=$(scale_int_env ROUNDS 3 1 20)
#   scale_setup burst                   # tools, the Nubo build, RESULTS dir, a server; copies its log at exit
#   scale_app "$dir" NAME 50 "{idle: 2s, max: 10, target: 10}" VERSION=v1
#   scale_deploy "$dir"
#   scale_wait_zero NAME 60
#   scale_watch NAME "$RESULTS/poll.jsonl" 100; poller=$SCALE_PID   # polls GET /v1/services/NAME meanwhile
#   ...; scale_stop "$poller"
#
# Sets: SCALE_PY (the python3 interpreter itself, not a pyenv shim: a shim adds ~0.2 s to every instance start),
# RESULTS (bench/results/KIND-<time>, or $RESULTS).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# scale_int_env NAME DEFAULT MIN MAX  A whole number from the variable NAME: lib.sh's int_env.
scale_int_env() { int_env "$@"; }

scale_tools() { "$SCALE_PY" "$BENCH_HOME/scale-tools.py" "$@"; }

scale_now() { date +%s.%N; }

# scale_cpu_idle  The machine's idle CPU in percent over one second (other load skews every figure here).
scale_cpu_idle() {
  local a b c d e f g h t1 i1
  read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
  sleep 1
  read -r _ a b c d e f g h _ </proc/stat
  echo $((100 * (d + e - i1) / (a + b + c + d + e + f + g + h - t1 + 1)))
}

# scale_since T0  Seconds since T0 (a scale_now), with 2 decimals.
scale_since() { awk -v a="$1" -v b="$(scale_now)" 'BEGIN { printf "%.2f", b - a }'; }

# scale_begin KIND TOOL:PACKAGE...  What every run does first: notes how busy the machine is (SCALE_IDLE_BEFORE,
# SCALE_LOADAVG), installs what is missing, finds python3 (SCALE_PY), makes $RESULTS (default results/KIND-<time>),
# builds Nubo, and warns when the machine is busy.
scale_begin() {
  local kind="$1"
  shift
  SCALE_IDLE_BEFORE="$(scale_cpu_idle)"
  SCALE_LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
  bench_require "$@"
  SCALE_PY="$(python3 -c 'import sys; print(sys.executable)')"
  [ -x "$SCALE_PY" ] || bench_die "cannot find the python3 interpreter (got '$SCALE_PY')"
  RESULTS="${RESULTS:-$BENCH_HOME/results/$kind-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$RESULTS"
  bench_build_nubo
  if [ "$SCALE_IDLE_BEFORE" -lt 80 ]; then
    bench_log "WARNING: the machine is busy (CPU ${SCALE_IDLE_BEFORE}% idle before starting): expect slower, noisier figures"
  fi
}

# scale_setup KIND  scale_begin, then starts a server whose log (and the service's last state and logs:
# describe.json, service-logs.txt) are copied into $RESULTS at exit.
scale_setup() {
  scale_begin "$1" hey:hey curl:curl jq:jq python3:python3
  bench_start_nubo
  bench_on_exit scale_save_logs
}

# The line under each table's title: the machine, and how busy it was before the benchmark started.
scale_machine_line() {
  echo "Machine: $(bench_machine); before the run: CPU ${SCALE_IDLE_BEFORE}% idle, load average $SCALE_LOADAVG"
}

scale_save_logs() {
  if [ -n "${SCALE_SERVICE:-}" ]; then
    bench_api "/v1/services/$SCALE_SERVICE" >"$RESULTS/describe.json" 2>/dev/null
    # the instances' own lines and Nubo's about them (started, stopping, exited): which instance went when
    bench_api "/v1/services/$SCALE_SERVICE/logs?tail=10000" >"$RESULTS/service-logs.txt" 2>/dev/null
  fi
  [ -n "${NUBO_SERVER_LOG:-}" ] && [ -f "$NUBO_SERVER_LOG" ] && cp "$NUBO_SERVER_LOG" "$RESULTS/server.log"
  return 0
}

# scale_app DIR SERVICE SLEEP_MS SCALE [NAME=VALUE...]  A copy of bench/apps/sleepy in DIR with its nubo.yaml:
# SCALE is a YAML flow mapping ("{idle: 2s, max: 10}", or "" for the defaults); NAME=VALUE are extra env vars.
scale_app() {
  local dir="$1" service="$2" sleep_ms="$3" scale="$4" kv
  shift 4
  SCALE_SERVICE="$service"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$BENCH_HOME/apps/sleepy/app.py" "$dir/"
  {
    echo "name: $service"
    echo "runtime: process"
    echo "command: [\"$SCALE_PY\", app.py]"
    echo "env:"
    echo "  SLEEP_MS: \"$sleep_ms\""
    for kv in "$@"; do echo "  ${kv%%=*}: \"${kv#*=}\""; done
    [ -n "$scale" ] && echo "scale: $scale"
    echo "drainTimeout: 10s"
  } >"$dir/nubo.yaml"
}

# scale_deploy DIR  Deploys and waits until the revision is ready; the CLI's output goes to $RESULTS/deploy.log.
scale_deploy() {
  echo "--- $(date +%T.%N) nubo deploy $1" >>"$RESULTS/deploy.log"
  bench_nubo deploy "$1" >>"$RESULTS/deploy.log" 2>&1 || {
    tail -n 20 "$RESULTS/deploy.log" >&2
    bench_die "nubo deploy $1 failed" "see $RESULTS/deploy.log and the server log"
  }
}

# scale_traffic SERVICE ARGS...  nubo traffic, its output to $RESULTS/deploy.log.
scale_traffic() {
  echo "--- $(date +%T.%N) nubo traffic $*" >>"$RESULTS/deploy.log"
  bench_nubo traffic "$@" >>"$RESULTS/deploy.log" 2>&1 || {
    tail -n 20 "$RESULTS/deploy.log" >&2
    bench_die "nubo traffic $* failed" "see $RESULTS/deploy.log"
  }
}

# scale_warm_gateway SECONDS  Warms up the server's JVM (the gateway's proxy path, JIT-compiled after some thousands of
# requests) with SECONDS of hey against a separate one-instance service, deleted afterwards: a long-running server
# is warm when a service at zero gets a burst, and the figures should show the cold start, not the JIT's.
scale_warm_gateway() {
  [ "$1" -gt 0 ] || return 0
  local dir="$BENCH_TMP/warmup" keep="${SCALE_SERVICE:-}"
  scale_app "$dir" bench-warmup 0 "{min: 1, max: 1}"
  SCALE_SERVICE="$keep"
  scale_deploy "$dir"
  bench_log "warming up the gateway: hey -z ${1}s -c 32 against bench-warmup"
  hey -z "${1}s" -c 32 -t 10 -host bench-warmup.localhost "$NUBO_GATEWAY/" >"$RESULTS/warmup.hey.txt" 2>&1 || true
  bench_nubo delete bench-warmup >>"$RESULTS/deploy.log" 2>&1 || true
}

# scale_instances SERVICE  How many instances (any state) the service's revisions have.
scale_instances() { bench_api "/v1/services/$1" | jq '[.revisions[].instances[]] | length'; }

# scale_wait_zero SERVICE SECONDS  Waits until the service has no instance at all.
scale_wait_zero() {
  local i n
  for ((i = 0; i < $2 * 5; i++)); do
    n="$(scale_instances "$1")" || n="?"
    [ "$n" = 0 ] && return 0
    sleep 0.2
  done
  bench_die "$1 still has $n instances after $2 s; it should have scaled to zero" "see $RESULTS/server.log and bin/nubo describe $1"
}

# scale_watch SERVICE FILE INTERVAL_MS  Starts polling GET /v1/services/SERVICE into FILE; its pid in SCALE_PID.
# (Not in a $(...), and python itself in the background, not a function: the pid must be the poller, a child of
# this shell, to be waited for and stopped at exit.)
scale_watch() {
  NUBO_API="$NUBO_API" NUBO_TOKEN_FILE="$NUBO_TOKEN_FILE" "$SCALE_PY" "$BENCH_HOME/scale-tools.py" poll "$1" "$2" "$3" \
    </dev/null >/dev/null 2>>"$RESULTS/tools.err" &
  SCALE_PID=$!
  bench_kill_later "$SCALE_PID" 2
  scale_wait_file "$2"
}

# scale_wait_file FILE  Waits (up to 10 s) until a poller or sampler has written its first line.
scale_wait_file() {
  local i
  for ((i = 0; i < 200; i++)); do
    [ -s "$1" ] && return 0
    sleep 0.05
  done
  bench_die "nothing in $1 after 10 s" "see $RESULTS/tools.err"
}

# scale_sample HOST FILE INTERVAL_MS  Starts one keep-alive client of the gateway recording status and body of each
# answer into FILE; its pid in SCALE_PID.
scale_sample() {
  NUBO_GATEWAY="$NUBO_GATEWAY" "$SCALE_PY" "$BENCH_HOME/scale-tools.py" sample "$1" "$2" "$3" \
    </dev/null >/dev/null 2>>"$RESULTS/tools.err" &
  SCALE_PID=$!
  bench_kill_later "$SCALE_PID" 2
  scale_wait_file "$2"
}

# scale_stop PID  Stops a poller or sampler started above and waits for it.
scale_stop() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# scale_yes_no CONDITION  "yes" or "no" for an awk condition such as "3 == 0" or "1.2 <= 2.5" (NA is "no").
scale_yes_no() {
  case "$1" in *NA*|*nan*) echo no; return ;; esac
  awk "BEGIN { if ($1) print \"yes\"; else print \"no\" }" 2>/dev/null || echo no
}
