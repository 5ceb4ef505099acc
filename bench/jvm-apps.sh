#!/usr/bin/env bash
# Unmodified JVM apps under Nubo start faster (S9): a Spring Boot web app (bench/apps/spring-web,
# spring-boot-starter-web from Maven Central, built here) deployed as `runtime: process` with the
# command `java -jar app.jar`, side by side with the same jar started by hand:
#   plain     `java -jar app.jar` started directly: process start → first 200 to GET /
#   Nubo      the same command deployed to Nubo; its first start records the start cache (AOT cache on
#             JDK 24+, AppCDS on 13–23), then cold starts from zero through the gateway: request
#             sent → 200 received (so Nubo's own hold and routing are included)
# ROUNDS of each, alternating (plain, Nubo, plain, ...) so that both see the same load on a shared
# machine; with each, the CPU time the JVM had used by its first 200 (/proc/PID/stat), which other
# load disturbs far less than the wall time. Once with the `java` on PATH (17 on a stock Debian 12)
# and once with the JDK that runs Nubo (25 here).
#
# Usage: bench/jvm-apps.sh            (about 5 minutes; raw outputs in bench/results/jvm-apps-<time>/)
# Variables: ROUNDS [5] starts per row; JDKS ["path nubo"]: which rows (path: java on PATH; nubo: $JAVA_HOME).
source "$(dirname "${BASH_SOURCE[0]}")/scale-lib.sh"

ROUNDS=$(scale_int_env ROUNDS 5 1 50)
JDKS="${JDKS:-path nubo}"
scale_begin jvm-apps curl:curl python3:python3 mvn:maven
bench_use_jdk
apps() { "$SCALE_PY" "$BENCH_HOME/jvm-apps.py" "$@"; }
cold() { "$SCALE_PY" "$BENCH_HOME/coldstart.py" "$@"; }

bench_log "building bench/apps/spring-web with Maven (spring-boot-starter-web from Maven Central)"
(cd "$BENCH_HOME/apps/spring-web" && MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" \
  mvn -B -q -DskipTests package >"$RESULTS/build.log" 2>&1) || { tail -n 30 "$RESULTS/build.log" >&2; bench_die "the Spring Boot app did not build"; }
JAR="$BENCH_HOME/apps/spring-web/target/app.jar"

bench_start_nubo
export NUBO_API NUBO_TOKEN_FILE
bench_on_exit "cp '$NUBO_SERVER_LOG' '$RESULTS/server.log'"

rows=()
for jdk in $JDKS; do
  if [ "$jdk" = path ]; then java="$(command -v java)"; name=spring-path; else java="$JAVA_HOME/bin/java"; name=spring-nubo; fi
  version="$("$java" -version 2>&1 | head -n 1)"
  dir="$BENCH_TMP/$name"; mkdir -p "$dir"; cp "$JAR" "$dir/app.jar"
  # On PATH the command says `java`, as a user would write it; otherwise the JDK's full path.
  program="java"; [ "$jdk" = path ] || program="$java"
  printf 'name: %s\nruntime: process\ncommand: [%s, -jar, app.jar]\nscale: {idle: 2s}\n' "$name" "$program" >"$dir/nubo.yaml"
  bench_log "[$jdk] deploying $name: its first start records the start cache"
  bench_nubo deploy "$dir" --timeout 120s >"$RESULTS/$name-deploy.txt" 2>&1 || { cat "$RESULTS/$name-deploy.txt" >&2; bench_die "deploy of $name failed"; }
  first=$(apps first-start "$name")
  bench_log "[$jdk] waiting for it to scale to zero and for the cache to be made"
  read -r waited cache < <(apps cache-ready "$name" 300)
  echo "$cache" >"$RESULTS/$name-cache.txt"
  bench_log "[$jdk] $ROUNDS starts each, alternating: plain java -jar, then a cold start through the gateway ($cache)"
  for ((round = 1; round <= ROUNDS; round++)); do
    apps plain 1 "$dir" "$java" -jar app.jar >>"$RESULTS/$name-plain.txt"
    cold measure --rounds 1 --max-seconds 300 --out "$RESULTS/$name-nubo.jsonl" "$name=$NUBO_GATEWAY,$NUBO_API,$NUBO_TOKEN_FILE" >/dev/null
    apps instance-cpu "$name" >>"$RESULTS/$name-nubo-cpu.txt"
  done
  plain50=$(awk '$1 != "NA" { print $1 }' "$RESULTS/$name-plain.txt" | bench_median)
  plaincpu=$(awk '$2 != "NA" { print $2 }' "$RESULTS/$name-plain.txt" | bench_median)
  nubocpu=$(grep -v NA "$RESULTS/$name-nubo-cpu.txt" | bench_median)
  read -r _ n p50 _ min max err < <(cold summary "$RESULTS/$name-nubo.jsonl")
  range=$(awk '$1 != "NA" { print $1 }' "$RESULTS/$name-plain.txt" | sort -g | sed -n '1p;$p' | paste -sd' ' | sed 's/ /–/')
  rows+=("| $version | $plain50 ($range) | $plaincpu | $first | $p50 ($min–$max) | $nubocpu | $(awk -v a="$plain50" -v b="$p50" 'BEGIN { printf "%.2f×", a / b }') | $(awk -v a="$plaincpu" -v b="$nubocpu" 'BEGIN { printf "%.2f×", a / b }') | $cache |")
done

echo
echo "### Spring Boot web app: start to first 200 ($(date +%F), $ROUNDS starts each)"
scale_machine_line
echo
echo "| JDK | plain \`java -jar\` p50 ms (range) | its CPU ms p50 | Nubo, first start (records), ms launch → ready | Nubo, later cold starts p50 ms (range), request → 200 | their CPU ms p50 | plain ÷ Nubo, wall | plain ÷ Nubo, CPU | start cache (describe) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Raw outputs: $RESULTS"
