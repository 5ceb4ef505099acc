#!/usr/bin/env bash
# CPU per request of two API features, in-process (bench/README.md, "API features"):
# - request-body validation against an operation's JSON schema (this thread's CPU per check);
# - an answer from the gateway's cache vs. a plain forward to a real instance (the gateway's
#   event-loop threads' CPU per request; the client runs in the same JVM but is not counted).
# REQUESTS=20000 by default. Prints the PROBE lines and the load before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/jdk.sh
export MAVEN_OPTS=--sun-misc-unsafe-memory-access=allow
echo "load before: $(uptime)"
mvn -B -q -o -pl apis -am verify -Dtest=ApiFeaturesProbe -Dsurefire.failIfNoSpecifiedTests=false \
    -Dprobe=true -Dprobe.requests="${REQUESTS:-20000}" -DtrimStackTrace=false 2>&1 | grep '^PROBE' || true
grep -h '^PROBE' apis/target/surefire-reports/dev.nubo.apis.ApiFeaturesProbe-output.txt 2>/dev/null || true
echo "load after: $(uptime)"
