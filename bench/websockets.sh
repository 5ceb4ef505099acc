#!/usr/bin/env bash
# Idle WebSockets held through Nubo's gateway, and what each costs in memory (see bench/README.md).
#
# A WebSocket echo app on npm's ws (bench/apps/ws-echo, `runtime: process`, one instance that may take
# every socket: scale {min: 1, max: 1, limit: 10000, target: 10000}) runs behind the packaged server.
# One Node client (bench/websockets-client.js, npm's ws too) opens sockets to it through the gateway,
# on loopback, in steps up to each count of COUNTS, and leaves them idle (no pings). At each step,
# once every socket is open:
#   - the server JVM's RSS and PSS (/proc/PID/smaps_rollup), then its live heap after a full GC
#     (jcmd GC.run, jstat -gc) and its committed heap;
#   - the app's RSS and PSS (its process and children: a sandboxed instance's pid is bubblewrap's);
#   - the server's heap by class (jcmd GC.class_histogram, top 57) in histogram-<sockets>.txt;
#   - then a "ping" on every open socket, which must come back "echo ping": the sockets are really
#     relayed end to end, not just accepted.
# MiB per 1,000 sockets is the growth over the step with no sockets (after one handshake and GC) divided
# by thousands of sockets; the gateway holds two descriptors per socket (caller and instance).
#
# Usage: bench/websockets.sh      (about 2 minutes; raw outputs in bench/results/websockets-<time>/)
# Environment (defaults in brackets):
#   COUNTS ["1000 5000 10000"]   socket counts to measure at, increasing (sockets are added, never closed)
#   SETTLE [5]                   seconds idle before measuring each step
#   RESULTS [bench/results/websockets-<time>]   where raw outputs go
#   NUBO_JAVA_OPTS               extra JVM options for the Nubo server only
# Needs: node and npm (npm installs ws once into bench/target/npm), and a descriptor limit of a little
# over twice the largest count for the server: the script raises `ulimit -n` to 65536 where it may (with
# CAP_SYS_RESOURCE) or to the hard limit, and measures the largest count that fits when that is short.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COUNTS="${COUNTS:-1000 5000 10000}"
SETTLE=$(int_env SETTLE 5 0 600)
WS_VERSION=8.18.3   # as dist's GatewayProtocolsTest
SERVICE=ws-echo
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="${RESULTS:-$BENCH_HOME/results/websockets-$STAMP}"
mkdir -p "$RESULTS"
prev=0
for n in $COUNTS; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -gt "$prev" ] && [ "$n" -le 10000 ] ||
    bench_die "COUNTS must be increasing whole numbers up to 10000 (scale.limit's maximum), got '$COUNTS'" "e.g. COUNTS='1000 5000 10000'"
  prev=$n
done
MAX=$prev

# Descriptors: the server holds two per socket (caller and instance) plus its own; the client and the
# app one per socket. Raised as far as allowed; counts that do not fit are dropped after the server starts.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT="$(ulimit -n)"
[ "$FD_LIMIT" = unlimited ] && FD_LIMIT=1048576

bench_require node:nodejs npm:npm curl:curl jq:jq
bench_use_jdk
bench_build_nubo
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_BEFORE=$(bench_warn_if_busy 15)
REV="$(git -C "$NUBO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$NUBO_ROOT" status --porcelain -- . ':!bench' 2>/dev/null | head -n 1)" ]; then REV="$REV + local changes"; fi

# --- npm's ws, once ------------------------------------------------------------------------------
NPM_DIR="$BENCH_HOME/target/npm/ws@$WS_VERSION"
MODULES="$NPM_DIR/node_modules"
if [ ! -f "$MODULES/ws/package.json" ]; then
  bench_log "npm install ws@$WS_VERSION into $NPM_DIR"
  mkdir -p "$NPM_DIR"
  npm install --prefix "$NPM_DIR" --no-audit --no-fund --no-save "ws@$WS_VERSION" >"$RESULTS/npm.log" 2>&1 ||
    bench_die "npm install ws@$WS_VERSION failed" "see $RESULTS/npm.log (the npm registry must be reachable)"
fi

# --- the app -------------------------------------------------------------------------------------
app="$BENCH_TMP/$SERVICE"
mkdir -p "$app/node_modules"
cp "$BENCH_HOME/apps/ws-echo/app.js" "$app/"
cp -r "$MODULES/ws" "$app/node_modules/"
# One instance takes every socket: each open socket is a request in flight to it, and a limit stops the
# gateway from learning a lower one (or the autoscaler from asking for COUNT/100 instances).
cat >"$app/nubo.yaml" <<EOF
name: $SERVICE
runtime: process
command: [node, app.js]
memory: 2Gi
scale: {min: 1, max: 1, limit: 10000, target: 10000}
drainTimeout: 1s
EOF
cp "$app/nubo.yaml" "$RESULTS/"

# The gateway's caps are set to the largest count, so that what is measured is what a socket costs:
# by default they come from the descriptor limit (callers per address: half of all callers).
bench_start_nubo --http-max-connections $((MAX + 100)) --http-max-connections-per-client $((MAX + 100))
bench_on_exit "cp '$NUBO_SERVER_LOG' '$RESULTS/server.log'"
bench_log "deploying $SERVICE"
bench_nubo deploy "$app" --timeout 60s >"$RESULTS/deploy.txt" 2>&1 || { cat "$RESULTS/deploy.txt" >&2; bench_die "deploying $SERVICE failed"; }
APP_PID="$(bench_instance_pid "$SERVICE")"
[ -n "$APP_PID" ] || bench_die "no READY instance of $SERVICE" "see: NUBO_HOME=$NUBO_HOME bin/nubo describe $SERVICE"
bench_log "instance of $SERVICE: pid $APP_PID; server pid $NUBO_SERVER_PID; ulimit -n $(ulimit -n)"
curl -sf --max-time 10 -H "Host: $SERVICE.localhost" "$NUBO_GATEWAY/" | grep -q '^ok' || bench_die "$SERVICE does not answer through the gateway"

# Counts the server cannot hold within its descriptor limit are left out, and the largest that fits
# (to the 500 below, keeping 300 spare) is measured instead.
SERVER_FDS=$(ls "/proc/$NUBO_SERVER_PID/fd" | wc -l)
FIT=$(((FD_LIMIT - SERVER_FDS - 300) / 2 / 500 * 500))
NOTE=""
if [ "$MAX" -gt "$FIT" ]; then
  NOTE="The server's descriptor limit (ulimit -n $FD_LIMIT, not raisable here) holds at most about $(((FD_LIMIT - SERVER_FDS) / 2)) sockets (two descriptors each, $SERVER_FDS in use before): measured up to $FIT instead of $MAX."
  bench_log "WARNING: $NOTE"
  kept=""
  for n in $COUNTS; do [ "$n" -lt "$FIT" ] && kept="$kept $n"; done
  COUNTS="$kept $FIT"
  MAX=$FIT
fi

# --- measuring -----------------------------------------------------------------------------------
tree() { # PID: it and its descendants
  local p="$1" c
  echo "$p"
  for c in $(pgrep -P "$p" 2>/dev/null || true); do tree "$c"; done
}
mem_kib() { # PID...: "RSS PSS" in KiB, summed over the processes
  local p
  for p in "$@"; do cat "/proc/$p/smaps_rollup" 2>/dev/null || true; done |
    awk '$1 == "Rss:" { r += $2 } $1 == "Pss:" { s += $2 } END { printf "%d %d\n", r, s }'
}
heap_mib() { # PID: "live committed" heap in MiB, after a full GC
  "$JAVA_HOME/bin/jcmd" "$1" GC.run >/dev/null
  "$JAVA_HOME/bin/jstat" -gc "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) k[i] = $i; next }
    { for (i = 1; i <= NF; i++) v[k[i]] = $i
      printf "%.1f %.1f\n", (v["S0U"] + v["S1U"] + v["EU"] + v["OU"]) / 1024, (v["S0C"] + v["S1C"] + v["EC"] + v["OC"]) / 1024 }'
}
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
measure() { # LABEL SOCKETS
  local rss pss arss apss live committed
  sleep "$SETTLE"
  read -r live committed < <(heap_mib "$NUBO_SERVER_PID")
  # What the heap holds, by class (after that GC): the diff between steps is what a socket keeps.
  "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" GC.class_histogram -all 2>/dev/null | head -n 60 >"$RESULTS/histogram-$2.txt" || true
  read -r rss pss < <(mem_kib "$NUBO_SERVER_PID")
  # shellcheck disable=SC2046
  read -r arss apss < <(mem_kib $(tree "$APP_PID"))
  echo "$2 $rss $pss $live $committed $arss $apss $(fds "$NUBO_SERVER_PID")" >>"$RESULTS/steps.txt"
  bench_log "[$1] $2 sockets: server RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB, heap live $live MiB (committed $committed), descriptors $(fds "$NUBO_SERVER_PID"); app RSS $((arss / 1024)) MiB, PSS $((apss / 1024)) MiB"
}

coproc CLIENT { NODE_PATH="$MODULES" exec node "$BENCH_HOME/websockets-client.js" "${NUBO_GATEWAY/http/ws}/" "$SERVICE.localhost" 2>"$RESULTS/client.err"; }
bench_kill_later "$CLIENT_PID" 5
ask() { # COMMAND SECONDS: one answer line from the client
  local answer
  echo "$1" >&"${CLIENT[1]}"
  read -r -t "$2" answer <&"${CLIENT[0]}" || bench_die "the client did not answer '$1' within $2 s" "see $RESULTS/client.err"
  echo "$answer"
}

# One socket opened and closed first: the JVM's WebSocket path has been taken once before the baseline.
answer=$(ask "open 1" 60)
[[ "$answer" == "open 1 failed 0 "* ]] || bench_die "the first WebSocket through the gateway failed: $answer" "see $RESULTS/server.log"
[ "$(ask echo 60)" = "echo 1 of 1" ] || bench_die "the first WebSocket did not echo"
: >"$RESULTS/steps.txt"
measure baseline 1
have=1
for n in $COUNTS; do
  bench_log "opening $((n - have)) more sockets (to $n)"
  t0=$(date +%s.%N)
  answer=$(ask "open $((n - have))" 600)
  t1=$(date +%s.%N)
  echo "$answer" >>"$RESULTS/client.txt"
  read -r _ open _ failed _ closed first <<<"$answer"
  bench_log "client: $answer ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)"
  [ "$open" = "$n" ] || bench_die "only $open of $n sockets are open (failed $failed, closed $closed, first failure: $first)" \
    "see $RESULTS/server.log and the gateway's caps (--http-max-connections, --http-max-connections-per-client)"
  have=$n
  measure "$n" "$n"
  answer=$(ask echo 120)
  echo "$answer" >>"$RESULTS/client.txt"
  bench_log "client: $answer"
  [ "$answer" = "echo $n of $n" ] || bench_die "not every socket echoed: $answer"
done
echo quit >&"${CLIENT[1]}" 2>/dev/null || true

# --- the table -----------------------------------------------------------------------------------
{
  echo "### Idle WebSockets through the gateway — $(date -u '+%Y-%m-%d %H:%M UTC'), Nubo at $REV"
  echo
  echo "Machine: $(bench_machine); JDK $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1);"
  echo "Node $(node --version), ws $WS_VERSION (client and app). Before the run: CPUs ${BUSY_BEFORE}% busy, load average $LOADAVG; after it: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "One client process, one app instance (scale {max: 1, limit: 10000}); sockets idle ${SETTLE} s before each measurement;"
  echo "every socket echoed a ping after it. Heap: live after \`jcmd GC.run\` (committed in brackets)."
  [ -n "${NUBO_JAVA_OPTS:-}" ] && echo "Nubo server JVM options: \`$NUBO_JAVA_OPTS\`."
  [ -n "$NOTE" ] && echo "$NOTE"
  echo
  echo "| sockets | server RSS MiB | server PSS MiB | heap live MiB (committed) | server fds | app RSS MiB | app PSS MiB |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  awk '{ printf "| %d | %.0f | %.0f | %.1f (%.0f) | %d | %.0f | %.0f |\n", $1, $2 / 1024, $3 / 1024, $4, $5, $8, $6 / 1024, $7 / 1024 }' "$RESULTS/steps.txt"
  echo
  echo "MiB per 1,000 sockets, over the baseline (1 socket):"
  echo
  echo "| sockets | server RSS | server PSS | heap live | app RSS | app PSS |"
  echo "|---:|---:|---:|---:|---:|---:|"
  awk 'NR == 1 { for (i = 1; i <= NF; i++) b[i] = $i; next }
    { k = ($1 - b[1]) / 1000
      printf "| %d | %.2f | %.2f | %.2f | %.2f | %.2f |\n", $1, ($2 - b[2]) / 1024 / k, ($3 - b[3]) / 1024 / k, ($4 - b[4]) / k, ($6 - b[6]) / 1024 / k, ($7 - b[7]) / 1024 / k }' "$RESULTS/steps.txt"
} | tee "$RESULTS/summary.md"
bench_log "raw outputs: $RESULTS"
