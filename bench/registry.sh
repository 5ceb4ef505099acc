#!/usr/bin/env bash
# Change-to-watcher latency of the registry: a change made over the Eureka API (register, cancel),
# timed from the request until a GET /v1/registry/watch subscriber reads it. Target: p99 <= 50 ms.
#   bench/registry.sh                  # 1000 changes (each a register and a cancel: 2000 timings)
#   CHANGES=10000 bench/registry.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CHANGES=$(int_env CHANGES 1000 1 1000000)
bench_require curl python3
bench_start_nubo
echo "machine: $(bench_machine); load: $(uptime)"
python3 "$BENCH_HOME/registry_watch.py" "$NUBO_API" "$CHANGES"
