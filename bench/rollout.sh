#!/usr/bin/env bash
# Rollout under load: failed requests while a service is redeployed and its traffic moved, under steady load.
#
# The upstream is bench/apps/sleepy (Python, answering at once with its revision's name) as a Nubo
# `runtime: process` service with the default scale. While `hey -z DURATION -c 16 -q 13` (about 200 requests/s
# over 16 keep-alive connections) loads it through the gateway:
#   v2, v3, v4   three redeploys (the same app with VERSION=vN, so each is a new revision), GAP seconds apart;
#   pin          nubo traffic NAME NAME-00004=100   (shares stay on 00004 across deploys);
#   v5           a deploy that takes no traffic;
#   shift        nubo traffic NAME NAME-00005=100   (0 → 100 % at once, to a revision with no instance running).
# One more client (a keep-alive connection sending a request every 20 ms) records each answer's body, i.e.
# which revision answered; the control API is polled every 200 ms (instances per revision, for the record).
# Reports hey's requests, non-200 answers, errors (failed requests), p50/p99 and requests/s, the sampler's
# errors and answers by revision; target: 0 non-200 and 0 errors. Raw outputs go to bench/results/rollout-<time>/.
#
# Usage: bench/rollout.sh
# Environment (defaults in brackets):
#   ROUNDS [1]            rollouts, each on a new service (bench-rollout-R)
#   DURATION [40]         seconds of load (hey -z); the changes must fit in it (about 30 s with the default GAP)
#   CONNECTIONS [16]      hey -c;  RATE [13] hey -q, requests/s per connection
#   GAP [4]               seconds between two changes
#   WARM [5]              seconds of load before the first change
#   RESULTS [bench/results/rollout-<time>]
# Takes about 20 s + ROUNDS * (DURATION + 5 s).

source "$(dirname "${BASH_SOURCE[0]}")/scale-lib.sh"

ROUNDS=$(scale_int_env ROUNDS 1 1 20)
DURATION=$(scale_int_env DURATION 40 10 600)
CONNECTIONS=$(scale_int_env CONNECTIONS 16 1 1000)
RATE=$(scale_int_env RATE 13 1 100000)
GAP=$(scale_int_env GAP 4 1 60)
WARM=$(scale_int_env WARM 5 0 60)

scale_setup rollout
bench_log "$ROUNDS rollouts under hey -z ${DURATION}s -c $CONNECTIONS -q $RATE; raw outputs in $RESULTS"

rows=()
timelines=()
for ((r = 1; r <= ROUNDS; r++)); do
  service="bench-rollout-$r"
  host="$service.localhost"
  dir="$RESULTS/round-$r"
  mkdir -p "$dir"
  app="$BENCH_TMP/app-$r"
  scale_app "$app" "$service" 0 "" VERSION=v1
  scale_deploy "$app"
  idle=$(scale_cpu_idle)  # how busy is the machine without our load?

  scale_watch "$service" "$dir/poll.jsonl" 200
  poller=$SCALE_PID
  scale_sample "$host" "$dir/sample.txt" 20
  sampler=$SCALE_PID
  t0=$(scale_now)
  hey -z "${DURATION}s" -c "$CONNECTIONS" -q "$RATE" -t 30 -host "$host" "$NUBO_GATEWAY/" >"$dir/hey.txt" 2>&1 &
  hey_pid=$!
  bench_kill_later "$hey_pid" 2
  bench_log "round $r: load on $service; changes from ${WARM}s, ${GAP}s apart"
  timeline=""
  step() { # LABEL COMMAND...
    local label="$1" at
    shift
    at=$(scale_since "$t0")
    "$@"
    timeline+="$label ${at}–$(scale_since "$t0")s, "
    bench_log "round $r: $label done at $(scale_since "$t0")s"
  }
  sleep "$WARM"
  for v in 2 3 4; do
    scale_app "$app" "$service" 0 "" "VERSION=v$v"
    step "v$v" scale_deploy "$app"
    sleep "$GAP"
  done
  step "pin 00004" scale_traffic "$service" "$service-00004=100"
  sleep "$GAP"
  scale_app "$app" "$service" 0 "" VERSION=v5
  step "v5 (no traffic)" scale_deploy "$app"
  sleep "$GAP"
  step "shift to 00005" scale_traffic "$service" "$service-00005=100"
  last_change=$(scale_since "$t0")
  if awk -v a="$last_change" -v d="$DURATION" 'BEGIN { exit !(a > d - 2) }'; then
    bench_log "round $r: WARNING: the last change ended at ${last_change}s, less than 2 s before the load ended (${DURATION}s)"
  fi
  wait "$hey_pid" || bench_log "round $r: hey exited with $? (see $dir/hey.txt)"
  scale_stop "$sampler"
  scale_stop "$poller"
  bench_api "/v1/services/$service" >"$dir/describe.json"
  read -r total non200 errors p50 p99 rps < <(scale_tools hey-summary "$dir/hey.txt")
  read -r s_total s_errors s_non200 by < <(scale_tools sample-summary "$dir/sample.txt")
  by="${by//$service-/}"
  failed=$((non200 + errors + s_non200 + s_errors))
  rows+=("$r $total $non200 $errors $p50 $p99 $rps $s_total $((s_non200 + s_errors)) $idle ${by//,/ } | $(scale_yes_no "$failed == 0")")
  timelines+=("round $r: ${timeline%, }")
  bench_log "round $r: $total requests, $non200 non-200, $errors errors, p50 $p50 ms, p99 $p99 ms, $rps req/s;" \
    "sampler: $s_total requests, $((s_non200 + s_errors)) failed, by revision $by"
done

{
  echo
  echo "## Rollout under load: 3 redeploys, a pin, a deploy without traffic and a 0 → 100 % shift"
  echo
  scale_machine_line
  echo "Service: bench/apps/sleepy (Python, no sleep), default scale; hey -z ${DURATION}s -c $CONNECTIONS -q $RATE" \
    "via the gateway, plus a sampler (1 connection, 1 request / 20 ms) recording which revision answered;" \
    "raw outputs in ${RESULTS#"$NUBO_ROOT"/}"
  echo
  echo "| round | requests | non-200 | errors | p50 ms | p99 ms | req/s | sampler requests | sampler failed | answered by (sampler) | target met (0 failed) | CPU idle before |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for row in "${rows[@]}"; do
    read -r r tot n2 err p50 p99 rps st sf idle rest <<<"$row"
    echo "| $r | $tot | $n2 | $err | $p50 | $p99 | $rps | $st | $sf | ${rest% |*} | ${rest##*| } | $idle % |"
  done
  echo
  echo "(answered by: revision number = answers with that body; CPU idle before: the machine over one second before the"
  echo "load, with one idle instance (below ~80 %, something else was running and the round's figures are suspect))"
  echo
  echo "Changes (seconds from the start of the load, start–end of each command):"
  printf '  %s\n' "${timelines[@]}"
} | tee "$RESULTS/table.md"
