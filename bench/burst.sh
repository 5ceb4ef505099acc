#!/usr/bin/env bash
# Burst from zero: REQUESTS requests at once (hey -n 200 -c 200) to a service that has no instance.
#
# The upstream is bench/apps/sleepy (Python, each answer after SLEEP_MS) as a Nubo `runtime: process` service with
# `scale: {idle: IDLE, max: MAX, target: TARGET}`. Each round waits until the service has scaled to zero, then
# fires the burst at the gateway (Host: bench-burst.localhost) while polling the control API every 100 ms.
# Per round: errors (non-200 answers + failed requests; target 0), p50/p99 latency, time to first response
# (from the start of the burst: min over requests of offset + response time, from hey's CSV), total time (to the
# last response), instances reached (most alive at once, and most READY) and the autoscaler's largest desired
# count; then the medians. Raw outputs (hey CSVs, API polls, the service's final state, the server log) go to
# bench/results/burst-<time>/.
#
# Usage: bench/burst.sh
# Environment (defaults in brackets):
#   ROUNDS [3]            bursts, each from zero
#   REQUESTS [200]        requests per burst (hey -n);  CONCURRENCY [REQUESTS] hey -c
#   TARGET [10]           scale.target: requests in flight per instance;  MAX [10] scale.max
#   IDLE [2]              scale.idle in seconds (how soon the service is back at zero between rounds)
#   QUIET [7]             seconds from the end of one burst to the start of the next, at least (default: the panic
#                         window + 1 s): the autoscaler's panic window (a tenth of scale.window, 6 s by default) must
#                         have forgotten the previous burst, or the next burst starts with it still averaged in and
#                         scales up faster than from silence
#   SLEEP_MS [50]         how long the app takes per request
#   SLOW_APP [0]          1: the app keeps Python's defaults (one request at a time, listen backlog 5) and takes
#                         START_DELAY_MS [5000] to start, as issue 11's slow-accept reproduction does, e.g.
#                         SLOW_APP=1 REQUESTS=60 TARGET=100 bench/burst.sh
#   WARMUP [10]           seconds of load on another service first, to warm up the server's JVM (0: none)
#   WINDOW [Nubo's, 60]   scale.window in seconds; the panic window is a tenth of it (at least 1 s)
#   RESULTS [bench/results/burst-<time>]
# Takes about 25 s + WARMUP + ROUNDS * max(QUIET, IDLE + 3 s): about a minute with the defaults.

source "$(dirname "${BASH_SOURCE[0]}")/scale-lib.sh"

ROUNDS=$(scale_int_env ROUNDS 3 1 20)
REQUESTS=$(scale_int_env REQUESTS 200 1 10000)
CONCURRENCY=$(scale_int_env CONCURRENCY "$REQUESTS" 1 10000)
TARGET=$(scale_int_env TARGET 10 1 10000)
MAX=$(scale_int_env MAX 10 1 100)
IDLE=$(scale_int_env IDLE 2 1 600)
SLEEP_MS=$(scale_int_env SLEEP_MS 50 0 60000)
SLOW_APP=$(scale_int_env SLOW_APP 0 0 1)
START_DELAY_MS=$(scale_int_env START_DELAY_MS 5000 0 60000)
APP_ENV=()
[ "$SLOW_APP" = 1 ] && APP_ENV=(PY_DEFAULTS=1 "START_DELAY_MS=$START_DELAY_MS")
WINDOW_YAML=""
WINDOW_S=60
if [ -n "${WINDOW:-}" ]; then WINDOW_S=$(scale_int_env WINDOW 60 6 3600); WINDOW_YAML=", window: ${WINDOW_S}s"; fi
PANIC_S=$(( WINDOW_S / 10 > 1 ? WINDOW_S / 10 : 1 ))
QUIET=$(scale_int_env QUIET $((PANIC_S + 1)) 0 3600)
WARMUP=$(scale_int_env WARMUP 10 0 600)
[ "$CONCURRENCY" -le "$REQUESTS" ] || bench_die "CONCURRENCY ($CONCURRENCY) may not be above REQUESTS ($REQUESTS)" "hey needs at least one request per worker"
SERVICE=bench-burst

scale_setup burst
bench_log "$ROUNDS bursts of $REQUESTS requests ($CONCURRENCY at once); raw outputs in $RESULTS"

app="$BENCH_TMP/app"
scale_app "$app" "$SERVICE" "$SLEEP_MS" "{idle: ${IDLE}s, max: $MAX, target: $TARGET$WINDOW_YAML}" "${APP_ENV[@]}"
cp "$app/nubo.yaml" "$RESULTS/nubo.yaml"
scale_warm_gateway "$WARMUP"
scale_deploy "$app"
last_end=$(scale_now)  # the deploy's own instance counts as activity: round 1 waits QUIET after it too

rows=()
for ((r = 1; r <= ROUNDS; r++)); do
  bench_log "round $r: waiting until $SERVICE has no instance"
  scale_wait_zero "$SERVICE" $((IDLE + 60))
  sleep 0.5
  rest=$(awk -v q="$QUIET" -v s="$(scale_since "$last_end")" 'BEGIN { r = q - s; print (r > 0 ? r : 0) }')
  sleep "$rest"
  idle=$(scale_cpu_idle)  # another second of quiet: how busy is the machine without us?
  scale_watch "$SERVICE" "$RESULTS/round-$r.poll.jsonl" 100
  poller=$SCALE_PID
  bench_log "round $r: hey -n $REQUESTS -c $CONCURRENCY"
  t0=$(scale_now)
  hey -n "$REQUESTS" -c "$CONCURRENCY" -t 60 -host "$SERVICE.localhost" -o csv "$NUBO_GATEWAY/" \
    >"$RESULTS/round-$r.csv" 2>"$RESULTS/round-$r.hey.err" || bench_log "round $r: hey exited with $? (see $RESULTS/round-$r.hey.err)"
  last_end=$(scale_now)
  sleep 1  # instances still starting when the burst ends count as reached
  scale_stop "$poller"
  bench_api "/v1/services/$SERVICE" >"$RESULTS/round-$r.describe.json"
  read -r _ errors non200 p50 p99 first last < <(scale_tools hey-csv "$RESULTS/round-$r.csv" "$REQUESTS")
  read -r live ready desired launched retired < <(scale_tools burst-poll "$RESULTS/round-$r.poll.jsonl")
  read -r decided_ms _ ready_ms < <(scale_tools cold-times "$RESULTS/round-$r.describe.json" "$t0")
  rows+=("$r $((errors + non200)) $p50 $p99 $first $last $live $ready $desired $launched $retired $decided_ms $ready_ms $idle")
  bench_log "round $r: $((errors + non200)) errors ($errors failed, $non200 non-200), p50 ${p50} ms, p99 ${p99} ms," \
    "first response ${first} ms (first scaling decision ${decided_ms} ms, first instance ready ${ready_ms} ms)," \
    "last ${last} ms, instances $live alive / $ready ready (desired up to $desired);" \
    "$launched launched, $retired of them stopped during the burst"
done

col() { printf '%s\n' "${rows[@]}" | awk -v c="$1" '{ print $c }' | grep -v NA | bench_median; }
total_errors=$(printf '%s\n' "${rows[@]}" | awk '{ s += $2 } END { print s + 0 }')
{
  echo
  echo "## Burst from zero: $REQUESTS requests, $CONCURRENCY at once"
  echo
  scale_machine_line
  echo "Service: bench/apps/sleepy (Python), SLEEP_MS=$SLEEP_MS, scale {idle: ${IDLE}s, max: $MAX, target: $TARGET$WINDOW_YAML};" \
    "hey -n $REQUESTS -c $CONCURRENCY via the gateway; raw outputs in ${RESULTS#"$NUBO_ROOT"/}"
  echo
  echo "| round | errors | p50 ms | p99 ms | first response ms | total ms | first instance decided / ready ms | instances alive / ready | desired (max) | launched / stopped early | CPU idle before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for row in "${rows[@]}"; do
    read -r r e p50 p99 first last live ready desired launched retired dec rdy idle <<<"$row"
    echo "| $r | $e | $p50 | $p99 | $first | $last | $dec / $rdy | $live / $ready | $desired | $launched / $retired | $idle % |"
  done
  echo "| **median** | $(col 2) | $(col 3) | $(col 4) | $(col 5) | $(col 6) | $(col 12) / $(col 13) | $(col 7) / $(col 8) | $(col 9) | $(col 10) / $(col 11) | $(col 14) % |"
  echo
  echo "Target: 0 errors in every burst — errors in all rounds: $total_errors; target met: $(scale_yes_no "$total_errors == 0")"
  echo "(all times from the start of the burst: first response, total (the last response), the autoscaler's first"
  echo "decision and the first instance ready (from the API's events and readyAt); the API is polled every 100 ms during the burst and"
  echo "1 s after it: instances are the most alive (starting or ready) and the most READY at once, desired the autoscaler's"
  echo "largest count; launched counts the distinct instances seen, stopped early those of them no longer alive at the end;
CPU idle before: the machine over the second before the burst, with the service at zero (below ~80 %, something else
was running and the round's figures are suspect);" \
    "ceil($CONCURRENCY / $TARGET) capped at $MAX = $(( (CONCURRENCY + TARGET - 1) / TARGET < MAX ? (CONCURRENCY + TARGET - 1) / TARGET : MAX )) would match the load)"
} | tee "$RESULTS/table.md"
