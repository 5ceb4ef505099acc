#!/usr/bin/env bash
# Gateway overhead vs nginx, side by side in one run (see bench/README.md).
#
# One small, fast upstream (nginx answering "hello\n") runs as a Nubo `runtime: process` service.
# wrk then loads it three ways, on loopback:
#   direct   wrk -> the instance's port
#   nginx    wrk -> nginx as a keep-alive reverse proxy -> the instance
#   nubo     wrk -> Nubo's gateway (Host: NAME.localhost) -> the instance
# twice per round: flat out (throughput, and latency at saturation), then at a fixed, moderate rate
# (latency when nothing is queueing: the p99 each proxy adds over direct). The flat-out runs also
# charge each path's CPU time (/proc/PID/stat) per request: the upstream's for direct, the nginx
# proxy's, or the Nubo JVM's. It prints a markdown table with the Nubo/nginx throughput ratio.
# Raw wrk outputs go to bench/results/gateway-<time>/.
#
# Usage: bench/gateway.sh
# Environment (defaults in brackets):
#   DURATION [10]         seconds per measured wrk run
#   CONNECTIONS [32]      wrk connections;  THREADS [2] wrk threads
#   ROUNDS [3]            measured runs per target (order rotates each round); the table shows medians
#   RATE [3000]           total requests/s of the fixed-rate latency runs (0 skips them); each
#                         connection waits CONNECTIONS*1000/RATE ms between its requests (wrk's delay())
#   WARMUP [3]            seconds of warm-up for direct and nginx;  GATEWAY_WARMUP [15] for the JVM gateway
#   PROFILE [0]           1: one more gateway run under JFR (settings=profile), with hot methods,
#                         allocations and GC written to the results dir (not part of the table)
#   RESULTS [bench/results/gateway-<time>]   where raw outputs go
#   NUBO_JAVA_OPTS        extra JVM options for the Nubo server only (e.g. -XX:+UseParallelGC)
#   METRICS [on]          the server's --metrics: off to measure what the gateway's per-request meters cost
#   GOVERNANCE [0]        1: the upstream service sets limits (a rate and a concurrency far above the load, a
#                         limits.paths entry) and resilience (circuit breaker, outlier ejection, retries), none
#                         of which ever refuses: what the checks cost on every request (issue 15's 10 % target)
#   API [0]               1: a fourth path, the same upstream behind an API (an OpenAPI document deployed with
#                         `nubo api deploy`) whose operation needs an API key (with a usage plan: the rate
#                         limiter runs on every request, its rate far above the load) and a JWT (RS256,
#                         signed here with openssl); its ratio to the plain gateway path is issue 16's target
# Takes about 15 s + WARMUP*2 + GATEWAY_WARMUP + ROUNDS*6*DURATION (ROUNDS*3*DURATION with RATE=0),
# plus DURATION with PROFILE=1: with the defaults about 3.5 minutes.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=$(int_env DURATION 10 1 600)
CONNECTIONS=$(int_env CONNECTIONS 32 1 10000)
THREADS=$(int_env THREADS 2 1 64)
ROUNDS=$(int_env ROUNDS 3 1 20)
WARMUP=$(int_env WARMUP 3 0 600)
GATEWAY_WARMUP=$(int_env GATEWAY_WARMUP 15 0 600)
PROFILE=$(int_env PROFILE 0 0 1)
API=$(int_env API 0 0 1)
GOVERNANCE=$(int_env GOVERNANCE 0 0 1)
RATE=$(int_env RATE 3000 0 1000000)
METRICS="${METRICS:-on}"
[ "$METRICS" = on ] || [ "$METRICS" = off ] || bench_die "METRICS must be on or off (got '$METRICS')"
[ "$CONNECTIONS" -ge "$THREADS" ] || bench_die "CONNECTIONS ($CONNECTIONS) must be at least THREADS ($THREADS)"
SERVICE=bench-upstream
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="${RESULTS:-$BENCH_HOME/results/gateway-$STAMP}"
mkdir -p "$RESULTS"

bench_require wrk:wrk nginx:nginx curl:curl jq:jq
NGINX="$(bench_which nginx)"
bench_use_jdk
bench_build_nubo
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_BEFORE=$(bench_warn_if_busy 15)
REV="$(git -C "$NUBO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$NUBO_ROOT" status --porcelain -- . ':!bench' 2>/dev/null | head -n 1)" ]; then REV="$REV + local changes"; fi
phases=1
[ "$RATE" -gt 0 ] && phases=2
total=$((15 + 2 * WARMUP + GATEWAY_WARMUP + ROUNDS * (3 + API) * phases * DURATION + PROFILE * (DURATION + 10)))
bench_log "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s x $ROUNDS rounds; about ${total}s; raw outputs in $RESULTS"

# --- the upstream: nginx as a Nubo process service ----------------------------------------------
app="$BENCH_TMP/upstream-app"
mkdir -p "$app" "$BENCH_TMP/upstream-run"
cat >"$app/nubo.yaml" <<EOF
name: $SERVICE
runtime: process
command: [sh, start.sh]
env:
  NGINX: $NGINX
  RUN_DIR: $BENCH_TMP/upstream-run
scale: {min: 1, max: 1}
drainTimeout: 1s
EOF
if [ "$GOVERNANCE" = 1 ]; then
  cat >>"$app/nubo.yaml" <<EOF
limits: {rate: 1000000/s, burst: 1000000, concurrency: 100000, paths: {/never: {rate: 1/s}}}
resilience: {circuitBreaker: {failures: 5, errorRate: 50%}, outliers: {failures: 5}, retries: {budget: 20%}}
EOF
fi
# Each instance templates its own config with its $PORT; pid and temp files in its own run dir.
cat >"$app/start.sh" <<'EOF'
set -eu
d="$RUN_DIR/$NUBO_INSTANCE"
mkdir -p "$d"
sed "s|@PORT@|$PORT|g; s|@DIR@|$d|g" nginx.conf.in >"$d/nginx.conf"
exec "$NGINX" -p "$d" -c "$d/nginx.conf" -e stderr
EOF
# keepalive_requests is raised everywhere (nginx's default closes a connection after 1000 requests)
# so that every path is measured on long-lived keep-alive connections, as Nubo's pool keeps them.
cat >"$app/nginx.conf.in" <<'EOF'
worker_processes 1;
daemon off;
pid @DIR@/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path @DIR@/client_body;
  proxy_temp_path @DIR@/proxy;
  fastcgi_temp_path @DIR@/fastcgi;
  uwsgi_temp_path @DIR@/uwsgi;
  scgi_temp_path @DIR@/scgi;
  server {
    listen 127.0.0.1:@PORT@;
    default_type text/plain;
    location / { return 200 "hello\n"; }
  }
}
EOF
cp "$app/nubo.yaml" "$app/start.sh" "$app/nginx.conf.in" "$RESULTS/"

bench_start_nubo --metrics "$METRICS"
bench_log "deploying $SERVICE"
bench_nubo deploy "$app" --timeout 60s >"$RESULTS/deploy.txt" 2>&1 || { cat "$RESULTS/deploy.txt" >&2; bench_die "deploying the upstream failed"; }
INSTANCE_PORT="$(bench_instance_port "$SERVICE")"
[ -n "$INSTANCE_PORT" ] || bench_die "no READY instance of $SERVICE" "see: NUBO_HOME=$NUBO_HOME bin/nubo describe $SERVICE"
INSTANCE_PID="$(bench_instance_pid "$SERVICE")"
bench_log "instance of $SERVICE on 127.0.0.1:$INSTANCE_PORT (pid $INSTANCE_PID)"

# --- nginx as a reverse proxy to the same instance -----------------------------------------------
proxy="$BENCH_TMP/proxy"
mkdir -p "$proxy"
start_proxy() {
  local port="$1"
  # The X-Forwarded-* and X-Request-Id headers match what Nubo's gateway adds, so both do like work.
  cat >"$proxy/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $proxy/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $proxy/client_body;
  proxy_temp_path $proxy/proxy;
  fastcgi_temp_path $proxy/fastcgi;
  uwsgi_temp_path $proxy/uwsgi;
  scgi_temp_path $proxy/scgi;
  upstream instance {
    server 127.0.0.1:$INSTANCE_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://instance;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Request-Id \$request_id;
      add_header X-Request-Id \$request_id;
    }
  }
}
EOF
  "$NGINX" -p "$proxy" -c "$proxy/nginx.conf" -e stderr >"$proxy/nginx.log" 2>&1 &
  PROXY_PID=$!
  bench_wait_http "http://127.0.0.1:$port/" 5 && return 0
  kill "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
  return 1
}
for attempt in 1 2 3 4 5; do
  PROXY_PORT="$(bench_free_port)"
  if start_proxy "$PROXY_PORT"; then break; fi
  PROXY_PORT=""
  bench_log "nginx proxy could not start on $PROXY_PORT: $(tail -n 1 "$proxy/nginx.log")"
done
[ -n "$PROXY_PORT" ] || bench_die "the nginx proxy did not start" "see $proxy/nginx.log (BENCH_KEEP_TMP=1 keeps it)"
bench_kill_later "$PROXY_PID" 5
cp "$proxy/nginx.conf" "$RESULTS/proxy-nginx.conf"
bench_log "nginx proxy on 127.0.0.1:$PROXY_PORT (pid $PROXY_PID)"

# --- the three targets ---------------------------------------------------------------------------
TARGETS=(direct nginx nubo)
[ "$API" = 1 ] && TARGETS+=(api)
declare -A URL=(
  [direct]="http://127.0.0.1:$INSTANCE_PORT/"
  [nginx]="http://127.0.0.1:$PROXY_PORT/"
  [nubo]="$NUBO_GATEWAY/"
)
# Whose CPU time a run is charged to: the upstream for direct, the proxy for the others.
declare -A CPU_PIDS=([direct]="$INSTANCE_PID" [nginx]="$PROXY_PID" [nubo]="$NUBO_SERVER_PID")
CLK_TCK=$(getconf CLK_TCK)
declare -A HOSTHDR=([direct]="" [nginx]="" [nubo]="Host: $SERVICE.localhost" [api]="Host: bench.localhost")
declare -A LABEL=(
  [direct]="direct (wrk → instance)"
  [nginx]="nginx proxy (wrk → nginx → instance)"
  [nubo]="Nubo gateway (wrk → gateway → instance)"
)
declare -a API_HEADERS=()
if [ "$API" = 1 ]; then
  bench_require openssl:openssl xxd:xxd
  URL[api]="$NUBO_GATEWAY/prod/hello"
  CPU_PIDS[api]="$NUBO_SERVER_PID"
  LABEL[api]="Nubo API route, key + JWT + rate limit"
  b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
  openssl genrsa -out "$BENCH_TMP/jwt.pem" 2048 2>/dev/null
  n="$(openssl rsa -in "$BENCH_TMP/jwt.pem" -noout -modulus | cut -d= -f2 | xxd -r -p | b64url)"
  header="$(printf '{"alg":"RS256","kid":"bench","typ":"JWT"}' | b64url)"
  payload="$(printf '{"iss":"https://bench.test","aud":"bench","sub":"wrk","scope":"hello","exp":%d}' $(($(date +%s) + 86400)) | b64url)"
  signature="$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$BENCH_TMP/jwt.pem" -binary | b64url)"
  cat >"$RESULTS/openapi.yaml" <<EOF
openapi: 3.0.3
info: {title: bench, version: "1"}
paths:
  /hello:
    get:
      x-nubo: {service: $SERVICE, path: /}
      security: [{key: [], jwt: [hello]}]
      responses: {"200": {description: hello}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-api-key}
    jwt:
      type: http
      scheme: bearer
      x-nubo-authorizer: {issuer: "https://bench.test", audience: bench, jwks: {keys: [{kty: RSA, kid: bench, alg: RS256, use: sig, e: AQAB, n: "$n"}]}}
EOF
  bench_nubo api deploy "$RESULTS/openapi.yaml" --stage prod >"$RESULTS/api-deploy.txt" 2>&1 || bench_die "deploying the API failed" "see $RESULTS/api-deploy.txt"
  key="$(bench_nubo apikey create --api bench --rate 1000000000 --burst 1000000000 2>&1 | grep '^nk_')" || bench_die "no API key" "run: bin/nubo apikey create --api bench"
  API_HEADERS=(-H "x-api-key: $key" -H "Authorization: Bearer $header.$payload.$signature")
fi

# A wrk script for the fixed-rate runs: every connection pauses between its requests.
if [ "$RATE" -gt 0 ]; then
  DELAY_MS=$(((CONNECTIONS * 1000 + RATE / 2) / RATE))
  [ "$DELAY_MS" -ge 1 ] || bench_die "RATE=$RATE is too high for $CONNECTIONS connections" "use RATE <= $((CONNECTIONS * 1000))"
  printf 'function delay()\n  return %d\nend\n' "$DELAY_MS" >"$BENCH_TMP/paced.lua"
fi

run_wrk() { # TARGET SECONDS OUTFILE [wrk options...]
  local t="$1" secs="$2" out="$3" hdr=()
  shift 3
  [ -n "${HOSTHDR[$t]}" ] && hdr=(-H "${HOSTHDR[$t]}")
  [ "$t" = api ] && hdr+=("${API_HEADERS[@]}")
  timeout -k 5 $((secs + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency "$@" "${hdr[@]}" "${URL[$t]}" >"$out" 2>&1 ||
    bench_die "wrk against $t failed" "see $out"
}

for t in "${TARGETS[@]}"; do  # each must answer hello, and the gateway must be the one answering
  hdr=()
  [ -n "${HOSTHDR[$t]}" ] && hdr=(-H "${HOSTHDR[$t]}")
  [ "$t" = api ] && hdr+=("${API_HEADERS[@]}")
  curl -sfi --max-time 5 "${hdr[@]}" "${URL[$t]}" >"$RESULTS/check-$t.txt" || bench_die "$t (${URL[$t]}) does not answer 200" "see $RESULTS/check-$t.txt"
  grep -q '^hello' "$RESULTS/check-$t.txt" || bench_die "$t did not answer hello" "see $RESULTS/check-$t.txt"
done
grep -qi '^x-request-id:' "$RESULTS/check-nubo.txt" || bench_die "the gateway's answer has no X-Request-Id; is it really Nubo?"

for t in nubo $([ "$API" = 1 ] && echo api) nginx direct; do  # the JVM first, so that its JIT has settled before the others run
  w=$WARMUP
  [ "$t" = nubo ] && w=$GATEWAY_WARMUP
  [ "$w" -gt 0 ] || continue
  bench_log "warm-up $t ${w}s"
  run_wrk "$t" "$w" "$RESULTS/warmup-$t.txt"
done

for ((r = 1; r <= ROUNDS; r++)); do
  for ((k = 0; k < ${#TARGETS[@]}; k++)); do
    t="${TARGETS[$(((k + r - 1) % ${#TARGETS[@]}))]}"
    # shellcheck disable=SC2086
    c0=$(bench_cpu_ticks ${CPU_PIDS[$t]})
    run_wrk "$t" "$DURATION" "$RESULTS/$t-r$r.txt"
    # shellcheck disable=SC2086
    c1=$(bench_cpu_ticks ${CPU_PIDS[$t]})
    read -r rps p50 p99 err < <(bench_wrk_summary "$RESULTS/$t-r$r.txt")
    n=$(awk '/requests in/ { print $1 }' "$RESULTS/$t-r$r.txt")
    us=$(awk -v c=$((c1 - c0)) -v n="${n:-0}" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", c * 1e6 / hz / n; else print "NA" }')
    bench_log "round $r/$ROUNDS $t: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $err, ${us} µs CPU/request"
    echo "$r $t $rps $p50 $p99 $err $us" >>"$RESULTS/rounds.txt"
  done
  [ "$RATE" -gt 0 ] || continue
  for ((k = 0; k < ${#TARGETS[@]}; k++)); do
    t="${TARGETS[$(((k + r - 1) % ${#TARGETS[@]}))]}"
    run_wrk "$t" "$DURATION" "$RESULTS/$t-paced-r$r.txt" -s "$BENCH_TMP/paced.lua"
    read -r rps p50 p99 err < <(bench_wrk_summary "$RESULTS/$t-paced-r$r.txt")
    bench_log "round $r/$ROUNDS $t at ~$RATE req/s: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $err"
    echo "$r $t $rps $p50 $p99 $err" >>"$RESULTS/paced.txt"
  done
done

# --- optional: JFR of the gateway under the same load ---------------------------------------------
if [ "$PROFILE" = 1 ]; then
  jfr="$RESULTS/gateway.jfr"
  bench_log "profiling the gateway with JFR for ${DURATION}s (settings=profile)"
  "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" VM.command_line >"$RESULTS/jvm-command-line.txt" 2>&1 || true
  "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" VM.flags -all 2>/dev/null | grep -E 'command line|ergonomic' >"$RESULTS/jvm-flags.txt" || true
  # JDK 25+ can also sample by CPU time (jdk.CPUTimeSample, Linux), which sees time in native code too.
  if ! "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" JFR.start name=bench settings=profile "filename=$jfr" \
      'jdk.CPUTimeSample#enabled=true' 'jdk.CPUTimeSample#throttle=1ms' >"$RESULTS/jfr-start.txt" 2>&1 ||
      grep -qi 'error\|exception' "$RESULTS/jfr-start.txt"; then
    "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" JFR.start name=bench settings=profile "filename=$jfr" >"$RESULTS/jfr-start.txt" 2>&1
  fi
  run_wrk nubo "$DURATION" "$RESULTS/nubo-profiled.txt"
  "$JAVA_HOME/bin/jcmd" "$NUBO_SERVER_PID" JFR.stop name=bench >/dev/null
  for v in hot-methods cpu-time-hot-methods allocation-by-class allocation-by-site gc gc-pauses gc-configuration heap-configuration; do
    "$JAVA_HOME/bin/jfr" view --width 200 "$v" "$jfr" >"$RESULTS/jfr-$v.txt" 2>&1 || true
  done
  bench_jfr_top "$jfr" jdk.ExecutionSample 30 >"$RESULTS/jfr-cpu-frames.txt" 2>&1 || true
  bench_jfr_top "$jfr" jdk.CPUTimeSample 30 >"$RESULTS/jfr-cputime-frames.txt" 2>&1 || true
  bench_jfr_top "$jfr" jdk.ObjectAllocationSample 30 >"$RESULTS/jfr-alloc-frames.txt" 2>&1 || true
  bench_log "JFR views in $RESULTS/jfr-*.txt"
fi

# --- the table -----------------------------------------------------------------------------------
col() { [ -f "$RESULTS/$1" ] && awk -v t="$2" -v c="$3" '$2 == t { print $c }' "$RESULTS/$1"; return 0; }
declare -A RPS P50 P99 ERR RANGE CPU PRPS PP50 PP99 PERR
for t in "${TARGETS[@]}"; do
  RPS[$t]=$(col rounds.txt "$t" 3 | bench_median)
  P50[$t]=$(col rounds.txt "$t" 4 | bench_median)
  P99[$t]=$(col rounds.txt "$t" 5 | bench_median)
  ERR[$t]=$(col rounds.txt "$t" 6 | awk '{ s += $1 } END { print s + 0 }')
  CPU[$t]=$(col rounds.txt "$t" 7 | bench_median)
  RANGE[$t]=$(col rounds.txt "$t" 3 | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%d–%d", lo, hi }')
  PRPS[$t]=$(col paced.txt "$t" 3 | bench_median)
  PP50[$t]=$(col paced.txt "$t" 4 | bench_median)
  PP99[$t]=$(col paced.txt "$t" 5 | bench_median)
  PERR[$t]=$(col paced.txt "$t" 6 | awk '{ s += $1 } END { print s + 0 }')
done
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
added() { # ARRAY-NAME TARGET: p99 over direct
  local -n a="$1"
  calc '%+.2f' "${a[$2]} - ${a[direct]}"
}

{
  echo "### Gateway overhead vs nginx — $(date -u '+%Y-%m-%d %H:%M UTC'), Nubo at $REV"
  echo
  echo "Machine: $(bench_machine); JDK $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1);"
  echo "$("$NGINX" -v 2>&1 | sed 's/.*version: //'), $(wrk -v 2>&1 | head -n 1 | awk '{ print "wrk " $2 }'). Before the run: CPUs ${BUSY_BEFORE}% busy, load average $LOADAVG."
  echo "Load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\`, $ROUNDS round(s), medians (req/s range across rounds);"
  echo "warm-ups ${GATEWAY_WARMUP}s (gateway), ${WARMUP}s (nginx, direct). wrk, both proxies and the upstream share the machine's cores."
  echo "CPU µs/req: user+system CPU of the upstream (direct), the nginx proxy's processes, or the Nubo JVM, per request."
  [ "$RATE" -gt 0 ] && echo "Fixed rate: the same wrk with a ${DELAY_MS} ms pause per connection between requests (≈ $RATE req/s in all)."
  [ -n "${NUBO_JAVA_OPTS:-}" ] && echo "Nubo server JVM options: \`$NUBO_JAVA_OPTS\`."
  echo
  if [ "$RATE" -gt 0 ]; then
    echo "| path | max req/s | range | × direct | CPU µs/req | p50 ms | p99 ms | p50 ms @ rate | p99 ms @ rate | p99 added @ rate | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  else
    echo "| path | max req/s | range | × direct | CPU µs/req | p50 ms | p99 ms | p99 added | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  fi
  for t in "${TARGETS[@]}"; do
    x=$(calc '%.2f' "${RPS[$t]} / ${RPS[direct]}")
    row="| ${LABEL[$t]} | $(calc '%.0f' "${RPS[$t]}") | ${RANGE[$t]} | $x | ${CPU[$t]} | $(calc '%.2f' "${P50[$t]}") | $(calc '%.2f' "${P99[$t]}")"
    if [ "$RATE" -gt 0 ]; then
      a="—"
      [ "$t" = direct ] || a="$(added PP99 "$t") ms"
      row="$row | $(calc '%.2f' "${PP50[$t]}") | $(calc '%.2f' "${PP99[$t]}") | $a | $((${ERR[$t]} + ${PERR[$t]})) |"
    else
      a="—"
      [ "$t" = direct ] || a="$(added P99 "$t") ms"
      row="$row | $a | ${ERR[$t]} |"
    fi
    echo "$row"
  done
  echo
  echo "- Nubo / nginx throughput: **$(calc '%.2f' "${RPS[nubo]} / ${RPS[nginx]}")×** (goal ≥ 1.0×);" \
    "CPU per request: Nubo ${CPU[nubo]} µs, nginx ${CPU[nginx]} µs ($(calc '%.2f' "${CPU[nubo]} / ${CPU[nginx]}")×)"
  if [ "$RATE" -gt 0 ]; then
    echo "- p99 added over direct at ≈ $RATE req/s: Nubo **$(added PP99 nubo) ms** (goal ≤ 1 ms), nginx $(added PP99 nginx) ms"
  fi
  if [ "$API" = 1 ]; then
    echo "- API route (key + JWT + rate limit) / plain gateway route: **$(calc '%.2f' "${RPS[api]} / ${RPS[nubo]}")×** (goal ≥ 0.9×);" \
      "CPU per request ${CPU[api]} µs vs ${CPU[nubo]} µs"
  fi
  echo "- p99 added over direct flat out: Nubo $(added P99 nubo) ms, nginx $(added P99 nginx) ms (saturated: mostly CPU queueing, noisy)"
} | tee "$RESULTS/summary.md"
cp "$NUBO_SERVER_LOG" "$RESULTS/server.log" 2>/dev/null || true
bench_log "raw wrk outputs: $RESULTS"
