#!/usr/bin/env bash
# Static files: Nubo's gateway serving a `runtime: static` site vs nginx serving the same directory,
# side by side in one run (see bench/README.md, "Static files").
#
# The site is 100 files of 1 KiB (f0.txt .. f99.txt) plus index.html. wrk, on keep-alive loopback
# connections, asks for one file (f7.txt) flat out, alternating nginx and Nubo each round, and
# charges each its CPU time (/proc/PID/stat: nginx's master and workers, or the Nubo JVM) per request.
# nginx runs with as many workers as cores (worker_processes auto), sendfile and open_file_cache on,
# access log off: its usual fast setup. Nubo's gateway has one event loop per core.
#
# Usage: bench/static.sh
# Environment (defaults in brackets):
#   DURATION [10]   seconds per measured wrk run;  ROUNDS [3]  runs per target (medians shown)
#   CONNECTIONS [32] wrk connections;  THREADS [2] wrk threads;  WARMUP [15] seconds (both; the JVM needs it)
#   RESULTS [bench/results/static-<time>]   where raw outputs go

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=$(int_env DURATION 10 1 600)
ROUNDS=$(int_env ROUNDS 3 1 20)
CONNECTIONS=$(int_env CONNECTIONS 32 1 10000)
THREADS=$(int_env THREADS 2 1 64)
WARMUP=$(int_env WARMUP 15 0 600)
SERVICE=bench-static
RESULTS="${RESULTS:-$BENCH_HOME/results/static-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$RESULTS"

bench_require wrk:wrk nginx:nginx curl:curl
NGINX="$(bench_which nginx)"
bench_use_jdk
bench_build_nubo
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_BEFORE=$(bench_warn_if_busy 15)

# --- the site ------------------------------------------------------------------------------------
app="$BENCH_TMP/site"
mkdir -p "$app/public"
printf 'name: %s\nruntime: static\nroot: public\n' "$SERVICE" >"$app/nubo.yaml"
echo '<h1>bench</h1>' >"$app/public/index.html"
for i in $(seq 0 99); do head -c 1024 /dev/urandom | base64 -w 0 | head -c 1024 >"$app/public/f$i.txt"; done

bench_start_nubo
bench_nubo deploy "$app" --timeout 60s >"$RESULTS/deploy.txt" 2>&1 || { cat "$RESULTS/deploy.txt" >&2; bench_die "deploying the site failed"; }

# --- nginx on the same files ---------------------------------------------------------------------
web="$BENCH_TMP/nginx"
mkdir -p "$web"
PORT="$(bench_free_port)"
# As the user running this script: nginx started by root would otherwise drop its workers to nobody,
# who cannot read the temp dir (every answer a 403).
cat >"$web/nginx.conf" <<CONF
user $(id -un);
worker_processes auto;
daemon off;
pid $web/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=1000 inactive=60s;
  types { text/plain txt; text/html html; }
  client_body_temp_path $web/client_body;
  proxy_temp_path $web/proxy;
  fastcgi_temp_path $web/fastcgi;
  uwsgi_temp_path $web/uwsgi;
  scgi_temp_path $web/scgi;
  server {
    listen 127.0.0.1:$PORT;
    root $app/public;
    etag on;
  }
}
CONF
"$NGINX" -p "$web" -c "$web/nginx.conf" -e stderr >"$web/nginx.log" 2>&1 &
NGINX_PID=$!
bench_kill_later "$NGINX_PID" 5
bench_wait_http "http://127.0.0.1:$PORT/f7.txt" 5 || bench_die "nginx did not start" "see $web/nginx.log"
curl -sf "http://127.0.0.1:$PORT/f7.txt" | cmp -s - "$app/public/f7.txt" || bench_die "nginx does not serve the site's f7.txt" "see $web/nginx.log"
cp "$web/nginx.conf" "$RESULTS/nginx.conf"

declare -A URL=([nginx]="http://127.0.0.1:$PORT/f7.txt" [nubo]="$NUBO_GATEWAY/f7.txt")
declare -A HOSTHDR=([nginx]="Host: localhost" [nubo]="Host: $SERVICE.localhost")
declare -A PIDS=([nginx]="$NGINX_PID" [nubo]="$NUBO_SERVER_PID")
curl -sf -H "${HOSTHDR[nubo]}" "${URL[nubo]}" | cmp -s - "$app/public/f7.txt" || bench_die "Nubo does not serve the site's f7.txt"
CLK_TCK=$(getconf CLK_TCK)

for t in nginx nubo; do
  bench_log "warming up $t for ${WARMUP}s"
  [ "$WARMUP" -gt 0 ] && wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "${HOSTHDR[$t]}" "${URL[$t]}" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  for t in nginx nubo; do
    before=$(bench_cpu_ticks ${PIDS[$t]})
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "${HOSTHDR[$t]}" "${URL[$t]}" >"$RESULTS/$t-$round.txt"
    after=$(bench_cpu_ticks ${PIDS[$t]})
    read -r rps p50 p99 errors < <(bench_wrk_summary "$RESULTS/$t-$round.txt")
    us=$(awk -v d=$((after - before)) -v hz="$CLK_TCK" -v r="$rps" -v s="$DURATION" 'BEGIN { printf "%.1f", (r > 0 ? d / hz * 1e6 / (r * s) : 0) }')
    echo "$t $rps $p50 $p99 $errors $us" >>"$RESULTS/runs.txt"
    bench_log "round $round $t: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, $errors errors, ${us} µs CPU/request"
  done
done

median() { awk -v t="$1" -v f="$2" '$1 == t { print $f }' "$RESULTS/runs.txt" | bench_median; }
{
  echo "Static 1 KiB file, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s keep-alive, median of $ROUNDS rounds"
  echo "Machine: $(bench_machine); load average before: $LOADAVG; CPUs ${BUSY_BEFORE}% busy before"
  echo
  echo "| server | req/s | p50 ms | p99 ms | errors | CPU µs/request |"
  echo "|---|---|---|---|---|---|"
  for t in nginx nubo; do
    echo "| $t | $(median $t 2) | $(median $t 3) | $(median $t 4) | $(median $t 5) | $(median $t 6) |"
  done
  awk '$1 == "nginx" { n[++a] = $2 } $1 == "nubo" { g[++b] = $2 } END { for (i = 1; i <= a; i++) printf "round %d Nubo/nginx: %.2f\n", i, g[i] / n[i] }' "$RESULTS/runs.txt"
} | tee "$RESULTS/table.md"
