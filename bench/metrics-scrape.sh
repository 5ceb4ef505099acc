#!/usr/bin/env bash
# How long GET /metrics takes to render for 1,000 services (the issue's target: <= 200 ms), in one JVM:
# metrics' ScrapeBench registers every meter a routed revision has (requests by status class, latency,
# holds, cold start phases, bytes, instance start, gauges) and times Metrics.scrape(), which is all
# that GET /metrics does besides reading the control plane's state from memory and the HTTP write.
# Usage: bench/metrics-scrape.sh [SERVICES [SCRAPES]]   (defaults 1000 50)
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/jdk.sh
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
# In one reactor run, so the sibling modules resolve to their target/classes (nothing is installed).
mvn -B -q -pl metrics -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/metrics/target/bench.classpath" >/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"${JAVA_HOME:?bin/jdk.sh sets it}/bin/java" -cp "metrics/target/test-classes:metrics/target/classes:$(cat metrics/target/bench.classpath)" dev.nubo.metrics.ScrapeBench "${1:-1000}" "${2:-50}"
