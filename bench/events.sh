#!/usr/bin/env bash
# Eventing throughput and latency, with the same service called straight through the gateway as the
# reference, in one run (see bench/README.md).
#
# One Nubo server (embedded SQLite, durable: an event is acknowledged after the fsync of its group
# commit) and one trivial service, bench/apps/event-sink (Node's http module: 204 at once, counts and
# a latency histogram in memory), with a trigger `type=bench.event` → event-sink. The producer is
# bench/events-load.js (Node, keep-alive, bounded in count and time). Phases:
#   throughput   PRODUCERS concurrent producers POST batches of BATCH events to the broker as fast
#                as they are acknowledged, TOTAL events at most (MAX_SECONDS at most); measured from
#                the first send to the moment the service received the last event
#   latency      RATE events/s on a schedule (one event per request, binary mode, unless
#                LATENCY_BATCH > 1) for DURATION s after WARMUP s; the service records receive time
#                minus each event's `time` (set by the producer at send time, same clock)
#   reference    the service straight through the gateway, no eventing in between, one event per
#                request in binary mode (what a trigger delivers): the latency load from the same
#                producer, and for throughput `wrk -t1 -c REF_CONCURRENCY` (the Node producer tops out
#                at about 4,700 requests/s of its own here, far below what the gateway takes)
# Checks that the numbers are real: the service got exactly the acknowledged events, each once; no
# producer errors; no dead letters, nothing left pending. Meanwhile each server thread's CPU time
# (/proc/PID/task) shows what limits the throughput. Prints markdown tables; raw outputs in
# bench/results/events-<time>/.
#
# Usage: bench/events.sh
# Environment (defaults in brackets):
#   TOTAL [100000]         events of the throughput phase;  MAX_SECONDS [30] its sending time cap
#   BATCH [100]            events per ingest request;  PRODUCERS [4] concurrent producers
#   RATE [1000]            events/s of the latency phases;  DURATION [20] s measured, after WARMUP [5] s
#   LATENCY_BATCH [1]      events per request in the latency phases (1: binary mode, RATE requests/s)
#   WARMUP_EVENTS [100000]  events through the trigger before the throughput phase (JIT warm-up)
#   REF_CONCURRENCY [64]   wrk connections for the reference throughput;  REF_SECONDS [10] its length
#   INSTANCES [1]          instances of the service (scale: {min: N, max: N})
#   PROFILE [0]            1: JFR (settings=profile) during the throughput phase, views in the results
#   RESULTS [bench/results/events-<time>]   where raw outputs go
#   NUBO_JAVA_OPTS         extra JVM options for the Nubo server only
# Takes about 30 s + the warm-up and throughput phases (10-60 s) + 2 * (WARMUP + DURATION) + 10 s:
# with the defaults about 2 minutes on an idle machine.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOTAL=$(int_env TOTAL 100000 100 10000000)
MAX_SECONDS=$(int_env MAX_SECONDS 30 1 600)
BATCH=$(int_env BATCH 100 1 10000)
PRODUCERS=$(int_env PRODUCERS 4 1 256)
RATE=$(int_env RATE 1000 1 100000)
DURATION=$(int_env DURATION 20 1 600)
WARMUP=$(int_env WARMUP 5 0 600)
WARMUP_EVENTS=$(int_env WARMUP_EVENTS 100000 0 10000000)
LATENCY_BATCH=$(int_env LATENCY_BATCH 1 1 1000)
REF_CONCURRENCY=$(int_env REF_CONCURRENCY 64 1 1024)
REF_SECONDS=$(int_env REF_SECONDS 10 1 600)
INSTANCES=$(int_env INSTANCES 1 1 8)
PROFILE=$(int_env PROFILE 0 0 1)
SERVICE=event-sink
TRIGGER=bench
DRAIN_SECONDS=60  # how long to wait, after the producers stop, for the last deliveries
CLK_TCK=$(getconf CLK_TCK)
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="${RESULTS:-$BENCH_HOME/results/events-$STAMP}"
mkdir -p "$RESULTS"

bench_require curl:curl jq:jq node:nodejs wrk:wrk top:procps
bench_use_jdk
bench_build_nubo
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_BEFORE=$(bench_warn_if_busy 15)
REV="$(git -C "$NUBO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$NUBO_ROOT" status --porcelain -- . ':!bench' 2>/dev/null | head -n 1)" ]; then REV="$REV + local changes"; fi
bench_log "throughput: $TOTAL events in batches of $BATCH from $PRODUCERS producers; latency: $RATE events/s for ${DURATION}s;" \
  "$INSTANCES instance(s); raw outputs in $RESULTS"

load() { node "$BENCH_HOME/events-load.js" "$@"; }

# --- the service and the trigger -----------------------------------------------------------------
app="$BENCH_TMP/$SERVICE"
mkdir -p "$app"
cp "$BENCH_HOME/apps/event-sink/server.js" "$app/"
cat >"$app/nubo.yaml" <<EOF
name: $SERVICE
runtime: process
command: [node, server.js]
readiness:
  http: /healthz
scale: {min: $INSTANCES, max: $INSTANCES}
drainTimeout: 1s
EOF
cp "$app/nubo.yaml" "$RESULTS/"

bench_start_nubo
bench_on_exit "cp '$NUBO_SERVER_LOG' '$RESULTS/server.log'"
bench_log "deploying $SERVICE"
bench_nubo deploy "$app" --timeout 60s >"$RESULTS/deploy.txt" 2>&1 || { cat "$RESULTS/deploy.txt" >&2; bench_die "deploying $SERVICE failed"; }
bench_nubo trigger create "$TRIGGER" --broker default --filter type=bench.event --to "$SERVICE" >"$RESULTS/trigger.txt" 2>&1 ||
  { cat "$RESULTS/trigger.txt" >&2; bench_die "creating the trigger failed"; }

# Every READY instance: "port pid" lines. Stats and resets go to each instance's port (through the
# gateway they would reach only one of them).
for ((i = 0; i < 100; i++)); do
  bench_api "/v1/services/$SERVICE" | jq -r '.revisions[] | select(.serving) | .instances[] | select(.state == "READY") | "\(.port) \(.pid)"' \
    >"$BENCH_TMP/instances.txt"
  [ "$(wc -l <"$BENCH_TMP/instances.txt")" -ge "$INSTANCES" ] && break
  sleep 0.2
done
[ "$(wc -l <"$BENCH_TMP/instances.txt")" -ge "$INSTANCES" ] || bench_die "fewer than $INSTANCES READY instances of $SERVICE" \
  "see: NUBO_HOME=$NUBO_HOME bin/nubo describe $SERVICE"
mapfile -t SINKS < <(awk '{ print "http://127.0.0.1:" $1 }' "$BENCH_TMP/instances.txt")
mapfile -t SINK_PIDS < <(awk '{ print $2 }' "$BENCH_TMP/instances.txt")
bench_log "$SERVICE: ${#SINKS[@]} instance(s), ${SINKS[*]}"

INGEST="$NUBO_API/v1/brokers/default/events"
to_broker=(--url "$INGEST" --token-file "$NUBO_TOKEN_FILE")
to_gateway=(--url "$NUBO_GATEWAY/" --host "$SERVICE.localhost")
sink_stats() { load stats "${SINKS[@]}"; }
sink_reset() { load reset "${SINKS[@]}"; }
trigger_stat() { bench_api "/v1/triggers/$TRIGGER" | jq -r ".stats.$1"; }
field() { jq -r ".$2" "$1"; }

# wait_delivered BASE N  Until the trigger's delivered count reaches BASE + N (at most DRAIN_SECONDS);
# prints the count delivered since BASE.
wait_delivered() {
  local i d
  for ((i = 0; i < DRAIN_SECONDS * 5; i++)); do
    d=$(trigger_stat delivered)
    [ "$((d - $1))" -ge "$2" ] && break
    sleep 0.2  # the end-to-end time comes from the service's own clock, not from this poll
  done
  echo "$((d - $1))"
}

# CPU ticks: the server JVM alone (its instances are its children), the whole machine (busy, all cores).
jvm_ticks() { sed 's/^.*) //' "/proc/$NUBO_SERVER_PID/stat" | awk '{ print $12 + $13 }'; }
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

# Per-thread CPU of the server over a phase: `thread_ticks` before and after; names from jcmd.
thread_ticks() {
  local t
  for t in /proc/"$NUBO_SERVER_PID"/task/*; do
    [ -r "$t/stat" ] && echo "${t##*/} $(sed 's/^.*) //' "$t/stat" | awk '{ print $12 + $13 }')"
  done
}
# thread_report BEFORE AFTER SECONDS  Lines "percent-of-one-core name", hottest first.
thread_report() {
  "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" Thread.print 2>/dev/null \
    | sed -n 's/^"\([^"]*\)".* nid=\(0x[0-9a-f]*\|[0-9]*\).*/\2 \1/p' \
    | while read -r nid name; do echo "$((nid)) $name"; done >"$BENCH_TMP/thread-names.txt" || true
  awk -v secs="$3" -v hz="$CLK_TCK" -v pid="$NUBO_SERVER_PID" '
    FILENAME == ARGV[1] { n = $1; $1 = ""; name[n] = substr($0, 2); next }
    FILENAME == ARGV[2] { before[$1] = $2; next }
    {
      d = $2 - before[$1]
      if (d <= 0) next
      nm = ($1 in name) ? name[$1] : ""
      if (nm == "") { getline nm < ("/proc/" pid "/task/" $1 "/comm"); close("/proc/" pid "/task/" $1 "/comm") }
      printf "%6.1f %s\n", 100 * d / hz / secs, nm
    }' "$BENCH_TMP/thread-names.txt" "$1" "$2" | sort -k1,1gr
}

# phase_send LABEL OUT [send options...]  Resets the sink, runs the producer; results in OUT.
phase_send() {
  local label="$1" out="$2"
  shift 2
  sink_reset
  timeout -k 5 $((MAX_SECONDS + DURATION + WARMUP + 120)) node "$BENCH_HOME/events-load.js" send --label "$label" "$@" >"$out" ||
    bench_die "the producer failed in $label" "see $out"
  [ "$(field "$out" errors)" = 0 ] || bench_log "WARNING: $label: $(field "$out" errors) producer errors, e.g. $(jq -c '.errorSamples[0]' "$out")"
}

# check LABEL EXPECTED SINK_JSON  Notes a failed check (the service must have got each acked event once).
FAILED=()
check() {
  local got unique
  got=$(field "$3" count); unique=$(field "$3" unique)
  if [ "$got" != "$2" ] || [ "$unique" != "$2" ]; then
    FAILED+=("$1: the service got $got events ($unique distinct ids), expected $2")
    bench_log "CHECK FAILED: ${FAILED[-1]}"
  fi
}

# --- warm-up: both paths, so that the JIT has compiled ingest, delivery and the gateway ----------
bench_log "warm-up: $WARMUP_EVENTS events through the trigger, then ${WARMUP}s straight through the gateway"
if [ "$WARMUP_EVENTS" -gt 0 ]; then
  d0=$(trigger_stat delivered)
  phase_send warmup "$RESULTS/warmup-events.json" "${to_broker[@]}" --batch "$BATCH" --concurrency "$PRODUCERS" \
    --total "$WARMUP_EVENTS" --seconds "$MAX_SECONDS"
  wait_delivered "$d0" "$(field "$RESULTS/warmup-events.json" acked)" >/dev/null
fi
[ "$WARMUP" -gt 0 ] && phase_send warmup "$RESULTS/warmup-direct.json" "${to_gateway[@]}" --concurrency "$REF_CONCURRENCY" --seconds "$WARMUP"

# --- throughput through eventing ---------------------------------------------------------------------
bench_log "throughput: $TOTAL events, batches of $BATCH, $PRODUCERS producers"
d0=$(trigger_stat delivered)
jfr="$RESULTS/events.jfr"
if [ "$PROFILE" = 1 ]; then
  "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" JFR.start name=bench settings=profile "filename=$jfr" >"$RESULTS/jfr-start.txt" 2>&1
fi
# top -H, one sample a second, for how the threads' load changes over the phase (raw output only).
top -H -b -d 1 -n $((MAX_SECONDS + DRAIN_SECONDS)) -p "$NUBO_SERVER_PID" -w 200 >"$RESULTS/threads-top.txt" 2>&1 &
TOP_PID=$!
bench_kill_later "$TOP_PID" 1
thread_ticks >"$BENCH_TMP/threads-0.txt"
c0=$(jvm_ticks); s0=$(bench_cpu_ticks "${SINK_PIDS[@]}"); m0=$(machine_ticks); t0=$(date +%s.%N)
phase_send throughput "$RESULTS/throughput-events.json" "${to_broker[@]}" --batch "$BATCH" --concurrency "$PRODUCERS" \
  --total "$TOTAL" --seconds "$MAX_SECONDS"
ACKED=$(field "$RESULTS/throughput-events.json" acked)
DELIVERED=$(wait_delivered "$d0" "$ACKED")
c1=$(jvm_ticks); s1=$(bench_cpu_ticks "${SINK_PIDS[@]}"); m1=$(machine_ticks); t1=$(date +%s.%N)
thread_ticks >"$BENCH_TMP/threads-1.txt"
kill "$TOP_PID" 2>/dev/null || true
[ "$PROFILE" = 1 ] && "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" JFR.stop name=bench >/dev/null
sink_stats >"$RESULTS/throughput-sink.json"
check throughput "$ACKED" "$RESULTS/throughput-sink.json"
SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
thread_report "$BENCH_TMP/threads-0.txt" "$BENCH_TMP/threads-1.txt" "$SECS" >"$RESULTS/threads-throughput.txt"
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
SERVER_CPU=$(calc '%.0f' "100 * ($c1 - $c0) / $CLK_TCK / $SECS")
SINK_CPU=$(calc '%.0f' "100 * ($s1 - $s0) / $CLK_TCK / $SECS")
MACHINE_CPU=$(calc '%.0f' "100 * ($m1 - $m0) / $CLK_TCK / $SECS")
PRODUCER_CPU=$(calc '%.0f' "100 * $(field "$RESULTS/throughput-events.json" cpuMs) / 1000 / $SECS")
per_event() { calc '%.0f' "1e6 * ($2 - $1) / $CLK_TCK / $3"; } # TICKS0 TICKS1 N: CPU µs each
SERVER_US=$(per_event "$c0" "$c1" "$ACKED"); SINK_US=$(per_event "$s0" "$s1" "$ACKED")
E2E_SECS=$(calc '%.3f' "($(field "$RESULTS/throughput-sink.json" lastAt) - $(field "$RESULTS/throughput-events.json" firstSendMs)) / 1000")
INGEST_RATE=$(field "$RESULTS/throughput-events.json" ackedPerSec)
E2E_RATE=$(calc '%.0f' "$(field "$RESULTS/throughput-sink.json" count) / $E2E_SECS")
bench_log "throughput: acked $ACKED at $INGEST_RATE/s, delivered $DELIVERED, end to end $E2E_RATE events/s;" \
  "CPU (100% = one core): Nubo JVM ${SERVER_CPU}%, service ${SINK_CPU}%, producer ${PRODUCER_CPU}%, machine ${MACHINE_CPU}% of $(($(nproc) * 100))%"

# --- latency through eventing ------------------------------------------------------------------------
paced=(--rate "$RATE" --batch "$LATENCY_BATCH")
run_paced() { # LABEL OUT SECONDS TARGET-OPTIONS...: one paced run, waiting for eventing to drain
  local label="$1" out="$2" secs="$3" base
  shift 3
  base=$(trigger_stat delivered)
  phase_send "$label" "$out" "$@" "${paced[@]}" --seconds "$secs" --total $((RATE * secs))
  [ "$label" = latency-events ] && wait_delivered "$base" "$(field "$out" acked)" >/dev/null
  return 0
}
bench_log "latency through eventing: $RATE events/s, warm-up ${WARMUP}s, measured ${DURATION}s"
[ "$WARMUP" -gt 0 ] && run_paced latency-events "$RESULTS/latency-events-warmup.json" "$WARMUP" "${to_broker[@]}"
run_paced latency-events "$RESULTS/latency-events.json" "$DURATION" "${to_broker[@]}"
sink_stats >"$RESULTS/latency-events-sink.json"
check latency-events "$(field "$RESULTS/latency-events.json" acked)" "$RESULTS/latency-events-sink.json"

# --- the reference: straight through the gateway ---------------------------------------------------
bench_log "reference latency: $RATE requests/s straight through the gateway"
[ "$WARMUP" -gt 0 ] && run_paced latency-direct "$RESULTS/latency-direct-warmup.json" "$WARMUP" "${to_gateway[@]}"
run_paced latency-direct "$RESULTS/latency-direct.json" "$DURATION" "${to_gateway[@]}"
sink_stats >"$RESULTS/latency-direct-sink.json"
check latency-direct "$(field "$RESULTS/latency-direct.json" acked)" "$RESULTS/latency-direct-sink.json"

# wrk POSTs the same binary-mode CloudEvent (a fresh ce-id each, a fixed ce-time).
cat >"$RESULTS/reference.lua" <<EOF
local n = 0
wrk.method = "POST"
wrk.body = '{"n":1}'
wrk.headers["Host"] = "$SERVICE.localhost"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["ce-specversion"] = "1.0"
wrk.headers["ce-source"] = "/bench/wrk"
wrk.headers["ce-type"] = "bench.event"
wrk.headers["ce-time"] = "2026-01-01T00:00:00Z"
local threads = 0
function setup(thread) threads = threads + 1; thread:set("prefix", "wrk-" .. threads .. "-") end
function request()
  n = n + 1
  wrk.headers["ce-id"] = prefix .. n
  return wrk.format()
end
EOF
bench_log "reference throughput: wrk -t1 -c$REF_CONCURRENCY -d${REF_SECONDS}s straight through the gateway"
sink_reset
c0=$(jvm_ticks); s0=$(bench_cpu_ticks "${SINK_PIDS[@]}")
timeout -k 5 $((REF_SECONDS + 30)) wrk -t1 -c"$REF_CONCURRENCY" -d"${REF_SECONDS}s" --latency -s "$RESULTS/reference.lua" "$NUBO_GATEWAY/" \
  >"$RESULTS/throughput-direct.txt" 2>&1 || bench_die "wrk failed" "see $RESULTS/throughput-direct.txt"
sleep 0.5  # requests in flight when wrk stopped
c1=$(jvm_ticks); s1=$(bench_cpu_ticks "${SINK_PIDS[@]}")
sink_stats >"$RESULTS/throughput-direct-sink.json"
read -r REF_RATE _ _ REF_ERRORS < <(bench_wrk_summary "$RESULTS/throughput-direct.txt")
REF_DONE=$(awk '/requests in/ { print $1 }' "$RESULTS/throughput-direct.txt")
REF_GOT=$(field "$RESULTS/throughput-direct-sink.json" unique)
REF_SERVER_US=$(per_event "$c0" "$c1" "$REF_GOT"); REF_SINK_US=$(per_event "$s0" "$s1" "$REF_GOT")
# wrk does not count the requests it had in flight when it stopped; the service may have got them.
if [ "$REF_GOT" -lt "$REF_DONE" ] || [ "$REF_GOT" -gt $((REF_DONE + REF_CONCURRENCY)) ] ||
    [ "$REF_GOT" != "$(field "$RESULTS/throughput-direct-sink.json" count)" ]; then
  FAILED+=("reference throughput: wrk completed $REF_DONE requests, the service got $(field "$RESULTS/throughput-direct-sink.json" count) ($REF_GOT distinct)")
fi
[ "$REF_ERRORS" = 0 ] || FAILED+=("reference throughput: $REF_ERRORS wrk errors or non-2xx answers")

# --- nothing lost, nothing left over ------------------------------------------------------------------
bench_api "/v1/triggers/$TRIGGER" >"$RESULTS/trigger-end.json"
bench_nubo events dead-letters >"$RESULTS/dead-letters.txt" 2>&1 || true
DEAD=$(jq -r '.stats.deadLettered' "$RESULTS/trigger-end.json")
PENDING=$(jq -r '.stats.pending' "$RESULTS/trigger-end.json")
[ "$DEAD" = 0 ] || FAILED+=("$DEAD dead-lettered events (see dead-letters.txt)")
grep -qi 'no dead letters' "$RESULTS/dead-letters.txt" || FAILED+=("\`nubo events dead-letters\` lists events")
[ "$PENDING" = 0 ] || FAILED+=("$PENDING deliveries still pending at the end")
[ "$DELIVERED" -ge "$ACKED" ] || FAILED+=("the trigger delivered $DELIVERED of $ACKED acknowledged events within ${DRAIN_SECONDS}s")
ERRORS=$(cat "$RESULTS"/{throughput,latency}-*.json | jq -s '[.[] | .errors // 0] | add')
ERRORS=$((ERRORS + REF_ERRORS))
SKIPPED=$(cat "$RESULTS"/latency-*.json | jq -s '[.[] | .skipped // 0] | add')
[ "$ERRORS" = 0 ] || FAILED+=("$ERRORS producer errors")
[ "$SKIPPED" = 0 ] || FAILED+=("$SKIPPED events not sent on schedule (too many requests outstanding)")

if [ "$PROFILE" = 1 ] && [ -s "$jfr" ]; then
  for v in hot-methods cpu-time-hot-methods allocation-by-class gc-pauses thread-cpu-load; do
    "$JAVA_HOME/bin/jfr" view --width 200 "$v" "$jfr" >"$RESULTS/jfr-$v.txt" 2>&1 || true
  done
  bench_jfr_top "$jfr" jdk.ExecutionSample 30 >"$RESULTS/jfr-cpu-frames.txt" 2>&1 || true
  bench_log "JFR views in $RESULTS/jfr-*.txt"
fi

# --- the tables -------------------------------------------------------------------------------------
met() { awk -v v="$1" -v goal="$2" -v dir="$3" 'BEGIN { ok = (dir == "min") ? v >= goal : v <= goal; print ok ? "met" : "**not met**" }'; }
L_E="$RESULTS/latency-events-sink.json"; L_D="$RESULTS/latency-direct-sink.json"
lat_row() { # LABEL SINK_JSON PRODUCER_JSON
  echo "| $1 | $(field "$2" count) | $(field "$3" ackedPerSec) | $(field "$2" p50) | $(field "$2" p90) | $(field "$2" p99) | $(field "$2" max) |" \
    "$(field "$3" rttP50) | $(field "$3" rttP99) |"
}
{
  echo "### Eventing — $(date -u '+%Y-%m-%d %H:%M UTC'), Nubo at $REV"
  echo
  echo "Machine: $(bench_machine); JDK $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1);"
  echo "Node $(node --version). Before the run: CPUs ${BUSY_BEFORE}% busy, load average $LOADAVG."
  echo "Service: bench/apps/event-sink, $INSTANCES instance(s). Throughput: $PRODUCERS producers, batches of $BATCH, $TOTAL events"
  echo "(${MAX_SECONDS}s cap). Latency: $RATE events/s for ${DURATION}s after ${WARMUP}s, $([ "$LATENCY_BATCH" = 1 ] && echo "one event per request (binary mode)" || echo "batches of $LATENCY_BATCH")."
  [ -n "${NUBO_JAVA_OPTS:-}" ] && echo "Nubo server JVM options: \`$NUBO_JAVA_OPTS\`."
  echo
  echo "| | target | measured | reference (straight through the gateway) | eventing ÷ reference |"
  echo "|---|---|---:|---:|---:|"
  echo "| ingest, events/s acknowledged (durable) | | $INGEST_RATE | | |"
  echo "| **end to end, events/s delivered and acknowledged** | ≥ 10,000 ($(met "$E2E_RATE" 10000 min)) | **$E2E_RATE** | $REF_RATE req/s (wrk, $REF_CONCURRENCY connections) | $(calc '%.2f' "$E2E_RATE / $REF_RATE")× |"
  echo "| Nubo JVM CPU µs per event (per request for the reference) | | $SERVER_US | $REF_SERVER_US | $(calc '%.1f' "$SERVER_US / $REF_SERVER_US")× |"
  echo "| the service's CPU µs per event | | $SINK_US | $REF_SINK_US | $(calc '%.1f' "$SINK_US / $REF_SINK_US")× |"
  echo "| **p99 latency at $RATE events/s, ms** | ≤ 50 ($(met "$(field "$L_E" p99)" 50 max)) | **$(field "$L_E" p99)** | $(field "$L_D" p99) | $(calc '%.1f' "$(field "$L_E" p99) / $(field "$L_D" p99)")× |"
  echo "| p50 latency at $RATE events/s, ms | | $(field "$L_E" p50) | $(field "$L_D" p50) | $(calc '%.1f' "$(field "$L_E" p50) / $(field "$L_D" p50)")× |"
  echo
  echo "Throughput phase: $ACKED events acknowledged in $(field "$RESULTS/throughput-events.json" seconds) s" \
    "(ingest request p50 $(field "$RESULTS/throughput-events.json" rttP50) ms, p99 $(field "$RESULTS/throughput-events.json" rttP99) ms);" \
    "the service had all $(field "$RESULTS/throughput-sink.json" count) $E2E_SECS s after the first send." \
    "CPU over the phase, until the last delivery (100 % = one core): Nubo JVM $SERVER_CPU %, the service $SINK_CPU %," \
    "the producer $PRODUCER_CPU %; the whole machine $MACHINE_CPU % of $(($(nproc) * 100)) %. Hottest server threads:"
  echo
  echo '```'
  head -n 8 "$RESULTS/threads-throughput.txt"
  echo '```'
  echo
  echo "| latency (receive − event time) | events | sent/s | p50 ms | p90 ms | p99 ms | max ms | request p50 ms | request p99 ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  lat_row "eventing (producer → ingest → trigger → service, on a slot from the gateway)" "$L_E" "$RESULTS/latency-events.json"
  lat_row "reference (producer → gateway → service)" "$L_D" "$RESULTS/latency-direct.json"
  echo
  echo "(request p50/p99: the producer's own request round trip — the ingest acknowledgement, after the fsync, for eventing.)"
  echo
  if [ ${#FAILED[@]} -eq 0 ]; then
    echo "Checks: passed — the service got every acknowledged event exactly once in every phase; $ERRORS producer errors;" \
      "$DEAD dead letters; $PENDING pending at the end."
  else
    echo "Checks: **FAILED**:"
    printf -- '- %s\n' "${FAILED[@]}"
  fi
} | tee "$RESULTS/summary.md"
bench_log "raw outputs: $RESULTS"
[ ${#FAILED[@]} -eq 0 ] || exit 1
