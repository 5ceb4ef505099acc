#!/usr/bin/env bash
# What tracing costs per gateway request, in thread CPU time, in one JVM: tracing's TracingBench feeds
# cold exchanges (4 spans each) from two threads as the gateway's event loops do, then measures the
# background work (spans made and kept in the ring) and the OTLP protobuf encoding of exported spans.
# Usage: bench/tracing.sh [EXCHANGES_PER_THREAD]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/jdk.sh
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
# In one reactor run, so the sibling modules resolve to their target/classes (nothing is installed).
mvn -B -q -pl tracing -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/tracing/target/bench.classpath" >/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"${JAVA_HOME:?bin/jdk.sh sets it}/bin/java" -Xmx1g -cp "tracing/target/test-classes:tracing/target/classes:$(cat tracing/target/bench.classpath)" \
    dev.nubo.tracing.TracingBench "${1:-200000}"
