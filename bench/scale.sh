#!/usr/bin/env bash
# One node holding many services: deploys SERVICES services that scale to zero and measures the control
# plane and the gateway with 2 services and then with all of them:
#   the server's RSS, its live heap after a full GC and its committed heap (jcmd GC.run, jstat -gc);
#   GET /v1/services latency; each deploy's latency (POST /v1/deployments → 201), per band of 100;
#   gateway throughput to one warm upstream (nginx, `runtime: process`, min 1): wrk -t2 -c32;
#   cold starts of one pooled Python function among them (bench/coldstart.py);
#   reconcile work per change: CPU of the reconciler's thread per redeploy of one service (new revision
#   proven, routed, the old one retired), and the scaler's CPU per second while everything is idle.
#
# Usage: bench/scale.sh                  (about 6 minutes with 1,000 services; raw outputs in bench/results/scale-<time>/)
# Variables:
#   SERVICES [1000]      services to deploy besides the upstream and the probe
#   DURATION [10]        seconds of each wrk run
#   COLD_ROUNDS [20]     cold starts of the probe service at each size
#   REDEPLOYS [10]       redeploys of the probe service at each size
#   NUBO_JAVA_OPTS       extra JVM options for the server (bench/lib.sh)
source "$(dirname "${BASH_SOURCE[0]}")/scale-lib.sh"

SERVICES=$(scale_int_env SERVICES 1000 1 5000)
DURATION=$(scale_int_env DURATION 10 1 120)
COLD_ROUNDS=$(scale_int_env COLD_ROUNDS 20 1 200)
REDEPLOYS=$(scale_int_env REDEPLOYS 10 1 100)
scale_begin scale wrk:wrk curl:curl jq:jq python3:python3 nginx:nginx
bench_use_jdk

fleet() { "$SCALE_PY" "$BENCH_HOME/fleet.py" "$@"; }
cold() { "$SCALE_PY" "$BENCH_HOME/coldstart.py" "$@"; }

# --- the services ------------------------------------------------------------------------------------
NGINX="$(bench_which nginx)"
up="$BENCH_TMP/upstream"
mkdir -p "$up" "$BENCH_TMP/upstream-run"
cat >"$up/nubo.yaml" <<EOF
name: upstream
runtime: process
command: [sh, start.sh]
env: {NGINX: $NGINX, RUN_DIR: $BENCH_TMP/upstream-run}
scale: {min: 1, max: 1}
EOF
cat >"$up/start.sh" <<'EOF'
set -eu
d="$RUN_DIR/$NUBO_INSTANCE"; mkdir -p "$d"
printf 'worker_processes 1; daemon off; pid %s/nginx.pid; error_log stderr warn; events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path %s/b; proxy_temp_path %s/p;
fastcgi_temp_path %s/f; uwsgi_temp_path %s/u; scgi_temp_path %s/s;
server { listen 127.0.0.1:%s; location / { return 200 "hello\\n"; } } }\n' "$d" "$d" "$d" "$d" "$d" "$d" "$PORT" >"$d/nginx.conf"
exec "$NGINX" -p "$d" -c "$d/nginx.conf" -e stderr
EOF
# Every other service is a copy of the Python function example that scales to zero 1 s after its last request.
fn="$BENCH_TMP/fn"
cp -r "$NUBO_ROOT/examples/hello-python-function" "$fn"
printf 'scale: {idle: 1s}\n' >>"$fn/nubo.yaml"

bench_start_nubo
export NUBO_API NUBO_TOKEN_FILE
bench_log "deploying the upstream and the probe"
bench_nubo deploy "$up" --timeout 60s >"$RESULTS/deploy-upstream.txt" 2>&1 || { cat "$RESULTS/deploy-upstream.txt" >&2; bench_die "deploying the upstream failed"; }
fleet deploy "$fn" probe 1 1 "$RESULTS/deploy-probe.txt"
TARGET="probe-0001=$NUBO_GATEWAY,$NUBO_API,$NUBO_TOKEN_FILE"

cat >"$BENCH_TMP/keepalive.lua" <<'EOF'
wrk.headers["Host"] = "upstream.localhost"
EOF

# measure LABEL  Everything measured at one size; one line "label key=value..." to $RESULTS/sizes.txt.
measure() {
  local label="$1" out="$RESULTS/$1" rss gc live committed list rps p50 p99 err r0 r1 redeploy s0 s1 cold
  mkdir -p "$out"
  bench_log "[$label] waiting for every function to be at zero"
  fleet wait-zero 300 >"$out/wait-zero.txt"
  bench_log "[$label] reconcile work: $REDEPLOYS redeploys of probe-0001"
  r0=$(fleet thread-cpu "$NUBO_SERVER_PID" nubo-reconciler)
  redeploy=$(fleet redeploy "$fn" probe-0001 "$REDEPLOYS")
  r1=$(fleet thread-cpu "$NUBO_SERVER_PID" nubo-reconciler)
  fleet wait-zero 120 >/dev/null
  bench_log "[$label] cold starts of probe-0001"
  cold measure --rounds "$COLD_ROUNDS" --max-seconds 300 --out "$out/cold.jsonl" "$TARGET"
  cold=$(cold summary "$out/cold.jsonl" | awk '{ print $3 "/" $4 }')
  fleet wait-zero 120 >/dev/null
  bench_log "[$label] idle: scaler CPU over 10 s, list latency, memory"
  s0=$(fleet thread-cpu "$NUBO_SERVER_PID" nubo-scaler); sleep 10; s1=$(fleet thread-cpu "$NUBO_SERVER_PID" nubo-scaler)
  list=$(fleet list 20)
  rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$NUBO_SERVER_PID/status")
  "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" GC.run >/dev/null
  gc=$("$JAVA_HOME/bin/jstat" -gc "$NUBO_SERVER_PID" | tail -n 1)
  read -r live committed < <(awk -v h="$("$JAVA_HOME/bin/jstat" -gc "$NUBO_SERVER_PID" | head -n 1)" '{
      n = split(h, k, " "); for (i = 1; i <= n; i++) v[k[i]] = $i
      printf "%.1f %.1f\n", (v["S0U"] + v["S1U"] + v["EU"] + v["OU"]) / 1024, (v["S0C"] + v["S1C"] + v["EC"] + v["OC"]) / 1024 }' <<<"$gc")
  bench_log "[$label] gateway throughput: wrk -t2 -c32 -d${DURATION}s after a 10 s warm-up"
  wrk -t2 -c32 -d10s -s "$BENCH_TMP/keepalive.lua" "$NUBO_GATEWAY/" >"$out/wrk-warmup.txt" 2>&1 || true
  wrk -t2 -c32 -d"${DURATION}s" --latency -s "$BENCH_TMP/keepalive.lua" "$NUBO_GATEWAY/" >"$out/wrk.txt" 2>&1 ||
    bench_die "wrk failed" "see $out/wrk.txt"
  read -r rps p50 p99 err < <(bench_wrk_summary "$out/wrk.txt")
  rss_after=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$NUBO_SERVER_PID/status")
  echo "$label services=$(echo "$list" | cut -d' ' -f1) rss=$rss rss_after_load=$rss_after live=$live committed=$committed" \
    "list=$(echo "$list" | cut -d' ' -f2-3 | tr ' ' /) rps=$rps p99=$p99 errors=$err cold=$cold" \
    "redeploy_ms=$(echo "$redeploy" | cut -d' ' -f1) reconcile_cpu_ms=$(awk -v a="$r0" -v b="$r1" -v n="$REDEPLOYS" 'BEGIN { printf "%.1f", (b - a) / n }')" \
    "scaler_cpu_ms_per_s=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.1f", (b - a) / 10 }')" >>"$RESULTS/sizes.txt"
}

measure small
bench_log "deploying $SERVICES services (one at a time, through the API)"
fleet deploy "$fn" svc 1 "$SERVICES" "$RESULTS/deploys.txt"
measure large
bench_on_exit "cp '$NUBO_SERVER_LOG' '$RESULTS/server.log'"

field() { sed -n "s/^$1 .*\b$2=\([^ ]*\).*/\1/p" "$RESULTS/sizes.txt"; }
echo
echo "### One node, $SERVICES services scaled to zero ($(date +%F))"
scale_machine_line
echo "Server JVM: $(tr '\0' ' ' </proc/"$NUBO_SERVER_PID"/cmdline | grep -o -- '-XX:+Use[A-Za-z]*GC' | head -n 1) ${NUBO_JAVA_OPTS:-}"
echo
echo "| measure | 2 services | $((SERVICES + 2)) services | target |"
echo "|---|---:|---:|---|"
echo "| server RSS, MiB (idle; after the gateway run) | $(field small rss); $(field small rss_after_load) | $(field large rss); $(field large rss_after_load) | ≤ 300 |"
echo "| live heap after a full GC, MiB | $(field small live) | $(field large live) | ≤ 100 |"
echo "| committed heap after it, MiB | $(field small committed) | $(field large committed) | |"
echo "| GET /v1/services p50/p99 ms | $(field small list) | $(field large list) | ≤ 100 |"
echo "| gateway req/s to one warm upstream (wrk -c32) | $(field small rps) | $(field large rps) | no loss |"
echo "| its p99 ms | $(field small p99) | $(field large p99) | |"
echo "| cold start of a pooled Python function p50/p99 ms | $(field small cold) | $(field large cold) | |"
echo "| redeploy until the new revision serves and the old is gone, p50 ms | $(field small redeploy_ms) | $(field large redeploy_ms) | |"
echo "| reconciler CPU per redeploy, ms | $(field small reconcile_cpu_ms) | $(field large reconcile_cpu_ms) | no growth |"
echo "| scaler CPU while all idle, ms per s | $(field small scaler_cpu_ms_per_s) | $(field large scaler_cpu_ms_per_s) | |"
echo
echo "Deploys (POST /v1/deployments until its 201, one at a time), per 100:"
echo
echo "| services | p50 ms | p99 ms | max ms | errors |"
echo "|---|---:|---:|---:|---:|"
fleet deploy-summary "$RESULTS/deploys.txt" 100 | while read -r first last p50 p99 max errors; do
  echo "| $first–$last | $p50 | $p99 | $max | $errors |"
done
echo
echo "Raw outputs: $RESULTS"
