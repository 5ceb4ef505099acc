#!/usr/bin/env bash
# Cold starts of function runtimes, measured at the client, plus warm invocations of a Java function
# and the idle memory of each runtime. Two Nubo servers run side by side:
#   pooled  the default: 2 prewarmed processes per runtime kind (nubo server --pool-size 2)
#   fresh   --pool-size 0: every cold start launches a new process, as a platform without a pool does
#   open    --pool-size 2 --sandbox off: the pooled server without the instance sandbox, for its cost
# Services, each with scale {idle: 1s} so it is back at zero a second after its last request:
#   java-pool / java-fresh       bench/apps/java-echo (a trivial dev.nubo.function.Handler) on each server
#   node-pool / node-fresh       examples/hello-node-function (Lambda-style async handler)
#   python-pool / python-fresh   examples/hello-python-function
#   node-app                     examples/hello-node (an unmodified HTTP server, runtime: process)
#   java-open, python-open, node-app-open   the same on the unsandboxed server
# A cold start is the time from sending a POST to the service with no instance (held in the gateway
# while one starts) to the last byte of its response, on a new connection; one at a time, each after
# the machine has gone quiet (under 20 % CPU over 100 ms, at most 3 s of waiting): the other services'
# instances stopping and the pools refilling are the benchmark's own noise, not part of a cold start.
#
# Usage: bench/coldstart.sh        (about 4 minutes; raw outputs in bench/results/coldstart-<time>/)
# Variables:
#   ROUNDS [50]          cold starts per service
#   WARM_SECONDS [10]    seconds of wrk against java-pool for the warm figures (0 skips)
#   RESULTS              where raw outputs go
source "$(dirname "${BASH_SOURCE[0]}")/scale-lib.sh"

ROUNDS=$(scale_int_env ROUNDS 50 1 1000)
WARM_SECONDS=$(scale_int_env WARM_SECONDS 10 0 600)
scale_begin coldstart wrk:wrk curl:curl jq:jq python3:python3 node:nodejs

cold() { "$SCALE_PY" "$BENCH_HOME/coldstart.py" "$@"; }

# app SOURCE NAME [EXTRA_YAML]  A copy of an example (or of bench/apps/SOURCE) whose nubo.yaml says NAME and
# scales to zero after 1 s.
app() {
  local dir="$BENCH_TMP/apps/$2" src="$NUBO_ROOT/examples/$1"
  [ -d "$src" ] || src="$BENCH_HOME/apps/$1"
  mkdir -p "$dir"
  cp -r "$src/." "$dir/"
  sed -i "s/^name: .*/name: $2/" "$dir/nubo.yaml"
  printf 'scale: {idle: 1s}\n%s' "${3:-}" >>"$dir/nubo.yaml"
  echo "$dir"
}

deploy() {
  bench_nubo deploy "$1" >>"$RESULTS/deploy.log" 2>&1 || { tail -n 20 "$RESULTS/deploy.log" >&2; bench_die "deploy of $1 failed"; }
}

bench_use_jdk
mkdir -p "$BENCH_TMP/java-echo-classes"
"$JAVA_HOME/bin/javac" --release 21 -d "$BENCH_TMP/java-echo-classes" -cp "$NUBO_ROOT/dist/target/lib/*" \
  "$BENCH_HOME/apps/java-echo/src/Echo.java" || bench_die "cannot compile bench/apps/java-echo"

bench_start_nubo --pool-size 2
POOLED="$NUBO_GATEWAY,$NUBO_API,$NUBO_TOKEN_FILE"
POOLED_HOME="$NUBO_HOME"; POOLED_LOG="$NUBO_SERVER_LOG"
BENCH_NUBO_NAME=fresh bench_start_nubo --pool-size 0
FRESH="$NUBO_GATEWAY,$NUBO_API,$NUBO_TOKEN_FILE"
FRESH_HOME="$NUBO_HOME"; FRESH_LOG="$NUBO_SERVER_LOG"
BENCH_NUBO_NAME=open bench_start_nubo --pool-size 2 --sandbox off
OPEN="$NUBO_GATEWAY,$NUBO_API,$NUBO_TOKEN_FILE"
bench_on_exit "cp '$POOLED_LOG' '$RESULTS/server-pooled.log'; cp '$FRESH_LOG' '$RESULTS/server-fresh.log'; cp '$NUBO_SERVER_LOG' '$RESULTS/server-open.log'"

bench_log "deploying to the unsandboxed server"
java_app() { local d; d="$(app java-echo "$1")"; cp -r "$BENCH_TMP/java-echo-classes" "$d/classes"; echo "$d"; }
deploy "$(java_app java-open)"
deploy "$(app hello-python-function python-open)"
deploy "$(app hello-node node-app-open)"
export NUBO_HOME="$FRESH_HOME"

bench_log "deploying to the fresh server"
deploy "$(java_app java-fresh)"
deploy "$(app hello-node-function node-fresh)"
deploy "$(app hello-python-function python-fresh)"
export NUBO_HOME="$POOLED_HOME"
bench_log "deploying to the pooled server"
deploy "$(java_app java-pool)"
deploy "$(app hello-node-function node-pool)"
deploy "$(app hello-python-function python-pool)"
deploy "$(app hello-node node-app)"
# The same functions kept for 30 s after their last request: their memory once idle for longer.
for d in "$(java_app java-idle)" "$(app hello-node-function node-idle)"; do
  sed -i 's/idle: 1s/idle: 30s/' "$d/nubo.yaml"
  deploy "$d"
done

bench_log "measuring $ROUNDS cold starts per service (each waits for its service to scale to zero first)"
cold measure --rounds "$ROUNDS" --max-seconds 1200 --out "$RESULTS/cold.jsonl" \
  "java-pool=$POOLED" "java-fresh=$FRESH" "node-pool=$POOLED" "node-fresh=$FRESH" \
  "python-pool=$POOLED" "python-fresh=$FRESH" "node-app=$POOLED" \
  "java-open=$OPEN" "python-open=$OPEN" "node-app-open=$OPEN"

bench_log "idle memory: RSS and PSS of each service's instance after 20 requests and 0.6 s idle, and of idle pooled processes"
cold rss "java-pool=$POOLED" "node-pool=$POOLED" "python-pool=$POOLED" "node-app=$POOLED" "java-fresh=$FRESH" \
  "java-idle=$POOLED" "node-idle=$POOLED" \
  >"$RESULTS/rss.txt"

warm=""
if [ "$WARM_SECONDS" -gt 0 ]; then
  bench_log "warm invocations: wrk -t2 -c16 -d${WARM_SECONDS}s against java-pool"
  cat >"$BENCH_TMP/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"name":"bench"}'
wrk.headers["Content-Type"] = "application/json"
EOF
  gateway="${POOLED%%,*}"
  # Keep one instance up meanwhile: the first request of the run is a cold start, the rest are warm.
  wrk -t2 -c16 -d3s -s "$BENCH_TMP/post.lua" -H "Host: java-pool.localhost" "$gateway/" >"$RESULTS/warm-warmup.txt" 2>&1 || true
  wrk -t2 -c16 -d"${WARM_SECONDS}s" --latency -s "$BENCH_TMP/post.lua" -H "Host: java-pool.localhost" "$gateway/" \
    >"$RESULTS/warm.txt" 2>&1 || bench_die "wrk against java-pool failed" "see $RESULTS/warm.txt"
  read -r wrps wp50 wp99 werr < <(bench_wrk_summary "$RESULTS/warm.txt")
  warm="| warm Java function, sandboxed (wrk -c16, through the gateway) | $wrps req/s | p50 $wp50 ms | p99 $wp99 ms | $werr errors |"
  open_gateway="${OPEN%%,*}"
  wrk -t2 -c16 -d3s -s "$BENCH_TMP/post.lua" -H "Host: java-open.localhost" "$open_gateway/" >"$RESULTS/warm-open-warmup.txt" 2>&1 || true
  wrk -t2 -c16 -d"${WARM_SECONDS}s" --latency -s "$BENCH_TMP/post.lua" -H "Host: java-open.localhost" "$open_gateway/" \
    >"$RESULTS/warm-open.txt" 2>&1 || bench_die "wrk against java-open failed" "see $RESULTS/warm-open.txt"
  read -r wrps wp50 wp99 werr < <(bench_wrk_summary "$RESULTS/warm-open.txt")
  warm+=$'\n'"| warm Java function, --sandbox off | $wrps req/s | p50 $wp50 ms | p99 $wp99 ms | $werr errors |"
fi

echo
echo "### Cold starts ($(date +%F), $ROUNDS per service)"
scale_machine_line
echo
echo "| service | runtime | cold starts | p50 ms | p99 ms | min ms | max ms | errors |"
echo "|---|---|---|---|---|---|---|---|"
declare -A what=([java-pool]="Java function, pooled JVM" [java-fresh]="Java function, fresh JVM"
  [node-pool]="Node function, pooled" [node-fresh]="Node function, fresh" [python-pool]="Python function, pooled"
  [python-fresh]="Python function, fresh" [node-app]="hello-node app (process), fresh"
  [java-open]="Java function, pooled, --sandbox off" [python-open]="Python function, pooled, --sandbox off"
  [node-app-open]="hello-node app (process), fresh, --sandbox off")
declare -A p50s
while read -r name n p50 p99 min max err; do
  p50s[$name]="$p50"
  echo "| $name | ${what[$name]} | $n | $p50 | $p99 | $min | $max | $err |"
done < <(cold summary "$RESULTS/cold.jsonl")
if [ -n "${p50s[java-pool]:-}" ] && [ -n "${p50s[java-fresh]:-}" ]; then
  echo
  echo "Java: fresh JVM p50 / pooled p50 = $(awk -v a="${p50s[java-fresh]}" -v b="${p50s[java-pool]}" 'BEGIN { printf "%.1f", a / b }')×"
fi
for pair in java-pool:java-open python-pool:python-open node-app:node-app-open; do
  on="${pair%%:*}"; off="${pair##*:}"
  if [ -n "${p50s[$on]:-}" ] && [ -n "${p50s[$off]:-}" ]; then
    echo "Sandbox cost, $on: p50 $(awk -v a="${p50s[$on]}" -v b="${p50s[$off]}" 'BEGIN { printf "%+.1f", a - b }') ms (sandboxed ${p50s[$on]}, --sandbox off ${p50s[$off]})"
  fi
done
echo
echo "### Where a cold start's time goes (p50 / p99 ms)"
echo
echo "decision: request sent → instance launched (held in the gateway, the scaler's decision, the reconcile pass,"
echo "taking a pooled process); specialise: launched → ready; hold = decision + specialise (the request's wait in the"
echo "gateway); first response: ready → last byte at the client."
echo
echo "| service | cold starts | decision | specialise | hold | first response |"
echo "|---|---|---|---|---|---|"
while read -r name n decision specialise hold response; do
  echo "| $name | $n | $decision | $specialise | $hold | $response |"
done < <(cold phases "$RESULTS/cold.jsonl")
echo
echo "### Idle memory (MiB; PSS counts a page shared by N processes as 1/N)"
echo
echo "| process | RSS MiB | PSS MiB |"
echo "|---|---|---|"
while read -r kind name values; do
  rss=""; pss=""
  for v in $values; do
    [ "$v" = NA ] && continue
    rss+="${rss:+ }$(awk -v k="${v%/*}" 'BEGIN { printf "%.1f", k / 1024 }')"
    pss+="${pss:+ }$(awk -v k="${v#*/}" 'BEGIN { printf "%.1f", k / 1024 }')"
  done
  case "$kind" in instance-8s) kind="instance, idle 8 s,";; esac
  echo "| $kind $name | ${rss:-NA} | ${pss:-NA} |"
done <"$RESULTS/rss.txt"
if [ -n "$warm" ]; then
  echo
  echo "### Warm invocations"
  echo
  echo "| what | throughput | p50 | p99 | errors |"
  echo "|---|---|---|---|---|"
  echo "$warm"
fi
echo
echo "Raw outputs: $RESULTS"
