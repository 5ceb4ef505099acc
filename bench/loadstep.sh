#!/usr/bin/env bash
# Load step: from no load (and no instance) to N concurrent requests at once; how soon are enough instances ready?
#
# The upstream is bench/apps/sleepy (Python, each answer after SLEEP_MS) as a Nubo `runtime: process` service with
# `scale: {min: 0, max: MAX, target: TARGET, idle: IDLE}`. First the app's own start time: COLD single requests
# (?ms=0), each to the service at zero, give the instance's startMs (launch to ready, from the API) and the request's
# time. Then each round waits until the service is at zero and runs `hey -z DURATION -c N` while polling the
# control API every 50 ms. It reports the seconds from the step until the autoscaler wanted, and until there were
# READY, desired = min(ceil(N / TARGET), MAX) instances; the difference to the app's start time (target: at most
# 2 s, i.e. desired ready within 2 s of the step plus the app's own start time); the instances at the end; hey's
# errors (non-200 + failed requests), p50/p99 and requests/s. Raw outputs go to bench/results/loadstep-<time>/.
#
# Usage: bench/loadstep.sh
# Environment (defaults in brackets):
#   N [50]                concurrent requests after the step (hey -c)
#   TARGET [10]           scale.target;  MAX [10] scale.max
#   SLEEP_MS [100]        how long the app takes per request
#   DURATION [15]         seconds of load (hey -z); the desired count must be ready within it, else "not reached"
#   ROUNDS [1]            steps, each from zero (the table shows each and, for more than one, the medians)
#   COLD [3]              single cold requests to measure the app's start time (median)
#   IDLE [3]              scale.idle in seconds (how soon the service is back at zero)
#   QUIET [7]             seconds without requests before each step, at least (default: the panic window + 1 s):
#                         the autoscaler's panic window (6 s by default) must have forgotten earlier requests
#   WARMUP [10]           seconds of load on another service first, to warm up the server's JVM (0: none)
#   WINDOW [Nubo's, 60]   scale.window in seconds; the panic window is a tenth of it (at least 1 s)
#   RESULTS [bench/results/loadstep-<time>]
# Takes about 25 s + WARMUP + COLD * QUIET + ROUNDS * (DURATION + QUIET): about 1.5 minutes with the defaults.

source "$(dirname "${BASH_SOURCE[0]}")/scale-lib.sh"

N=$(scale_int_env N 50 1 10000)
TARGET=$(scale_int_env TARGET 10 1 10000)
MAX=$(scale_int_env MAX 10 1 100)
SLEEP_MS=$(scale_int_env SLEEP_MS 100 0 60000)
DURATION=$(scale_int_env DURATION 15 1 600)
ROUNDS=$(scale_int_env ROUNDS 1 1 20)
COLD=$(scale_int_env COLD 3 1 20)
IDLE=$(scale_int_env IDLE 3 1 600)
WINDOW_YAML=""
WINDOW_S=60
if [ -n "${WINDOW:-}" ]; then WINDOW_S=$(scale_int_env WINDOW 60 6 3600); WINDOW_YAML=", window: ${WINDOW_S}s"; fi
PANIC_S=$(( WINDOW_S / 10 > 1 ? WINDOW_S / 10 : 1 ))
QUIET=$(scale_int_env QUIET $((PANIC_S + 1)) 0 3600)
WARMUP=$(scale_int_env WARMUP 10 0 600)
DESIRED=$(( (N + TARGET - 1) / TARGET ))
[ "$DESIRED" -le "$MAX" ] || DESIRED=$MAX
SERVICE=bench-step
HOST="$SERVICE.localhost"

scale_setup loadstep
bench_log "step 0 -> $N concurrent (desired $DESIRED instances) for ${DURATION}s x $ROUNDS; raw outputs in $RESULTS"

app="$BENCH_TMP/app"
scale_app "$app" "$SERVICE" "$SLEEP_MS" "{min: 0, max: $MAX, target: $TARGET, idle: ${IDLE}s$WINDOW_YAML}"
cp "$app/nubo.yaml" "$RESULTS/nubo.yaml"
scale_warm_gateway "$WARMUP"
scale_deploy "$app"

last_request=$(scale_now)
# Waits until the service is at zero and nothing has reached it for QUIET seconds.
at_zero_and_quiet() {
  scale_wait_zero "$SERVICE" $((IDLE + 60))
  local rest
  rest=$(awk -v q="$QUIET" -v s="$(scale_since "$last_request")" 'BEGIN { r = q - s; print (r > 0 ? r : 0) }')
  sleep "$rest"
}

# --- the app's own start time ------------------------------------------------------------------
starts=()
colds=()
for ((i = 1; i <= COLD; i++)); do
  at_zero_and_quiet
  out=$(curl -s -o "$RESULTS/cold-$i.body" -w '%{http_code} %{time_total}' --max-time 30 -H "Host: $HOST" "$NUBO_GATEWAY/?ms=0") || true
  last_request=$(scale_now)
  read -r code secs <<<"$out"
  [ "$code" = 200 ] || bench_die "a cold request answered ${code:-nothing} (see $RESULTS/cold-$i.body)" "see $RESULTS/server.log"
  start=$(bench_api "/v1/services/$SERVICE" | jq '[.revisions[].instances[] | .startMs | select(. != null)] | min // empty')
  [ -n "$start" ] || bench_die "no instance with a start time after a cold request"
  starts+=("$start")
  colds+=("$(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 1000 }')")
  bench_log "cold request $i: ${colds[-1]} ms; its instance started in $start ms"
done
APP_START_MS=$(printf '%s\n' "${starts[@]}" | bench_median)
COLD_MS=$(printf '%s\n' "${colds[@]}" | bench_median)

# --- the steps ---------------------------------------------------------------------------------
rows=()
for ((r = 1; r <= ROUNDS; r++)); do
  at_zero_and_quiet
  idle=$(scale_cpu_idle)  # another second of quiet: how busy is the machine without us?
  scale_watch "$SERVICE" "$RESULTS/round-$r.poll.jsonl" 50
  poller=$SCALE_PID
  bench_log "round $r: hey -z ${DURATION}s -c $N"
  t0=$(scale_now)
  hey -z "${DURATION}s" -c "$N" -t 30 -host "$HOST" "$NUBO_GATEWAY/" >"$RESULTS/round-$r.hey.txt" 2>&1 \
    || bench_log "round $r: hey exited with $? (see $RESULTS/round-$r.hey.txt)"
  t_end=$(scale_now)
  last_request=$t_end
  scale_stop "$poller"
  bench_api "/v1/services/$SERVICE" >"$RESULTS/round-$r.describe.json"
  read -r ready_s decided_s max_live max_ready final_live final_ready \
    < <(scale_tools step-poll "$RESULTS/round-$r.poll.jsonl" "$t0" "$DESIRED" "$t_end")
  read -r total non200 errors p50 p99 rps < <(scale_tools hey-summary "$RESULTS/round-$r.hey.txt")
  step_start=$(jq '[.revisions[].instances[] | .startMs | select(. != null)] | max // "NA"' "$RESULTS/round-$r.describe.json")
  if [ "$ready_s" = NA ]; then
    over=NA
    bench_log "round $r: DESIRED NOT REACHED: $DESIRED instances were never ready within the ${DURATION}s step (at most $max_ready)"
  else
    over=$(awk -v a="$ready_s" -v b="$APP_START_MS" 'BEGIN { printf "%.2f", a - b / 1000 }')
  fi
  rows+=("$r $decided_s $ready_s $over $(scale_yes_no "$over <= 2") $final_ready $max_live $step_start $((errors + non200)) $total $p50 $p99 $rps $idle")
  bench_log "round $r: desired $DESIRED decided after ${decided_s}s, ready after ${ready_s}s (${over}s over the app's start);" \
    "final $final_ready ready; $((errors + non200)) errors of $total; p50 $p50 ms, p99 $p99 ms, $rps req/s"
done

col() { printf '%s\n' "${rows[@]}" | awk -v c="$1" '{ print $c }' | grep -v NA | bench_median; }
{
  echo
  echo "## Load step: 0 → $N concurrent requests (desired $DESIRED instances)"
  echo
  scale_machine_line
  echo "Service: bench/apps/sleepy (Python), SLEEP_MS=$SLEEP_MS, scale {min: 0, max: $MAX, target: $TARGET, idle: ${IDLE}s$WINDOW_YAML};" \
    "hey -z ${DURATION}s -c $N via the gateway; raw outputs in ${RESULTS#"$NUBO_ROOT"/}"
  echo "App start time (median of $COLD cold starts, instance launch to ready): $APP_START_MS ms" \
    "(startMs: ${starts[*]}); a single cold request: $COLD_MS ms (${colds[*]})"
  echo
  echo "| round | desired decided s | desired READY s | READY − app start s | target met (≤ 2 s) | final instances | most alive | slowest start ms | errors | requests | p50 ms | p99 ms | req/s | CPU idle before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for row in "${rows[@]}"; do
    read -r r dec rdy over met fin most slow err tot p50 p99 rps idle <<<"$row"
    echo "| $r | $dec | $rdy | $over | $met | $fin | $most | $slow | $err | $tot | $p50 | $p99 | $rps | $idle % |"
  done
  if [ "$ROUNDS" -gt 1 ]; then
    echo "| **median** | $(col 2) | $(col 3) | $(col 4) | | $(col 6) | $(col 7) | $(col 8) | $(col 9) | $(col 10) | $(col 11) | $(col 12) | $(col 13) | $(col 14) % |"
  fi
  echo
  echo "(seconds from the start of hey; the API polled every 50 ms; \"slowest start\" is the longest launch-to-ready of"
  echo "the instances at the end of the step, which start while the machine is loaded; NA: not reached within ${DURATION} s;"
  echo "CPU idle before: the machine over the second before the step, with the service at zero (below ~80 %, something"
  echo "else was running and the round's figures are suspect))"
} | tee "$RESULTS/table.md"
