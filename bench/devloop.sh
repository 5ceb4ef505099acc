#!/usr/bin/env bash
# The developer loop: from saving a changed source file to the new code answering, under `nubo dev`.
#
# For each KIND (templates of `nubo init`), a fresh project runs under `nubo dev --no-logs` against a server in
# a temporary NUBO_HOME. Each round replaces the greeting in the handler's source ("Hello, " -> "Hello R, ")
# with one write, as an editor's save does, notes the time, and polls the service through the gateway every
# 10 ms until it answers with the new greeting. The time is save -> first new answer, which includes the watch's
# quiet period (60 ms), the build (incremental javac for Java, nothing for Node and Python functions without
# dependencies), the zip and upload, the new revision's start (a prewarmed process, specialised) and the route.
# Prints a table of min / median / max per kind; raw timings and each `nubo dev` log go to bench/results/devloop-<time>/.
#
# Usage: bench/devloop.sh
# Environment (defaults in brackets):
#   KINDS ["node-function python-function java"]   templates to measure
#   ROUNDS [5]                                       saves per kind
#   PAUSE [1]                                        seconds between a round's answer and the next save
# Takes about 1 minute plus one Maven build of the Java template (the first `nubo dev` builds it fully).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KINDS=${KINDS:-"node-function python-function java"}
ROUNDS=$(int_env ROUNDS 5 1 100)
PAUSE=$(int_env PAUSE 1 0 60)
RESULTS=${RESULTS:-"$BENCH_HOME/results/devloop-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RESULTS"

bench_require curl
bench_build_nubo
bench_start_nubo

source_of() { # KIND: the file a save changes
  case "$1" in
    node-function|node) echo index.js ;;
    python-function) echo main.py ;;
    python) echo app.py ;;
    java) echo src/main/java/com/example/Hello.java ;;
    java-lambda) echo src/main/java/com/example/Hello.java ;;
    *) bench_die "no source file known for kind $1" "use KINDS from: node-function python-function java java-lambda" ;;
  esac
}

call() { # NAME: the service's answer through the gateway
  curl -s --max-time 2 -H "Host: $1.localhost" -d '{"name":"bench"}' "$NUBO_GATEWAY/" || true
}

now_ms() { date +%s%3N; }

printf '| kind | saves | min (ms) | median (ms) | max (ms) |\n|---|---|---|---|---|\n' > "$RESULTS/table.md"
for kind in $KINDS; do
  name="dev-${kind//_/-}"
  dir="$BENCH_TMP/$name"
  bench_nubo init "$kind" "$dir" >/dev/null
  file="$dir/$(source_of "$kind")"
  bench_log "$kind: nubo dev $dir (the first deploy builds it fully)"
  "$NUBO_ROOT/bin/nubo" dev "$dir" --no-logs >"$RESULTS/$name.log" 2>&1 &
  dev_pid=$!
  bench_kill_later "$dev_pid" 5
  for _ in $(seq 1 600); do
    grep -q "^✓ serving" "$RESULTS/$name.log" && break
    kill -0 "$dev_pid" 2>/dev/null || bench_die "nubo dev exited" "see $RESULTS/$name.log"
    sleep 0.5
  done
  grep -q "^✓ serving" "$RESULTS/$name.log" || bench_die "$kind did not deploy within 5 minutes" "see $RESULTS/$name.log"
  : > "$RESULTS/$name.times"
  previous="Hello, "
  for round in $(seq 1 "$ROUNDS"); do
    sleep "$PAUSE"
    next="Hello $round, "
    content=$(sed "s/$previous/$next/" "$file")
    start=$(now_ms)
    printf '%s\n' "$content" > "$file"
    until call "$name" | grep -q "Hello $round,"; do
      sleep 0.01
      if [ $(( $(now_ms) - start )) -gt 120000 ]; then bench_die "round $round of $kind: no new answer after 2 minutes" "see $RESULTS/$name.log"; fi
    done
    echo $(( $(now_ms) - start )) >> "$RESULTS/$name.times"
    previous="$next"
  done
  kill "$dev_pid" 2>/dev/null || true
  wait "$dev_pid" 2>/dev/null || true  # 143: it ended on the SIGTERM, as it should
  sorted=$(sort -n "$RESULTS/$name.times")
  printf '| %s | %s | %s | %s | %s |\n' "$kind" "$ROUNDS" "$(echo "$sorted" | head -1)" \
    "$(echo "$sorted" | bench_median)" "$(echo "$sorted" | tail -1)" >> "$RESULTS/table.md"
  bench_log "$kind: $(tr '\n' ' ' < "$RESULTS/$name.times")ms"
done

echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$RESULTS/table.md"
