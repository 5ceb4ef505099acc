#!/usr/bin/env bash
# Latency of a 3-state Express workflow started synchronously through the gateway, against the
# function call it makes. One trivial Node function ("price": answers a small JSON at once), kept warm
# (scale min 1), and one express workflow with http: true:
#   Price (Task, nubo:price) -> Check (Choice on the result) -> Done (Pass)
# Two sequential keep-alive clients, one after the other, each REQUESTS requests after WARMUP: one
# POSTs to price.<domain> (the function as the workflow's Task calls it: through the gateway), the
# other POSTs the input to quote.<domain> (the workflow). Prints p50/p90/p99 of each, the difference
# of the medians (what the workflow costs above the call it makes), and the server's CPU per request.
#
# Usage: bench/workflow-latency.sh
# Environment: REQUESTS [5000], WARMUP [1000].

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REQUESTS=$(int_env REQUESTS 5000 100 1000000)
WARMUP=$(int_env WARMUP 1000 0 1000000)
bench_require python3 curl node

app="$BENCH_TMP/price"
mkdir -p "$app"
cat >"$app/server.js" <<'JS'
const http = require('http');
http.createServer((req, res) => {
  let body = '';
  req.on('data', c => body += c);
  req.on('end', () => {
    const out = JSON.stringify({total: 2.5 * ((body && JSON.parse(body).qty) || 1)});
    res.writeHead(200, {'content-type': 'application/json', 'content-length': Buffer.byteLength(out)});
    res.end(out);
  });
}).listen(process.env.PORT, '127.0.0.1');
JS
cat >"$app/nubo.yaml" <<'YAML'
name: price
runtime: process
command: [node, server.js]
scale: {min: 1, max: 1}
YAML
wf="$BENCH_TMP/quote"
mkdir -p "$wf"
cat >"$wf/nubo.yaml" <<'YAML'
kind: workflow
name: quote
type: express
http: true
definition:
  StartAt: Price
  States:
    Price: {Type: Task, Resource: "nubo:price", ResultPath: $.price, Next: Check}
    Check: {Type: Choice, Choices: [{Variable: $.price.total, NumericGreaterThan: 100, Next: Big}], Default: Done}
    Big: {Type: Pass, Result: big, ResultPath: $.size, End: true}
    Done: {Type: Pass, Result: small, ResultPath: $.size, End: true}
YAML

bench_build_nubo
bench_start_nubo --pool-size 0
bench_nubo deploy "$app" --timeout 60s >"$BENCH_TMP/deploy.txt" 2>&1 || { cat "$BENCH_TMP/deploy.txt" >&2; bench_die "deploying price failed"; }
bench_nubo workflow deploy "$wf" >"$BENCH_TMP/wf.txt" 2>&1 || { cat "$BENCH_TMP/wf.txt" >&2; bench_die "deploying quote failed"; }

busy=$(bench_warn_if_busy)
measure() {  # measure HOST: prints "p50 p90 p99" in microseconds, after checking every answer is 200
  python3 - "$NUBO_GATEWAY" "$1" "$REQUESTS" "$WARMUP" <<'PY' || bench_die "requests to $1 failed" "see $NUBO_SERVER_LOG"
import http.client, sys, time, urllib.parse
gw, host, n, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
u = urllib.parse.urlparse(gw)
c = http.client.HTTPConnection(u.hostname, u.port)
h = {"Host": host, "Content-Type": "application/json"}
times = []
for i in range(warmup + n):
    t = time.perf_counter_ns()
    c.request("POST", "/", b'{"qty": 2}', h)
    r = c.getresponse(); body = r.read()
    if r.status != 200:
        sys.exit("%s answered %d: %s" % (host, r.status, body[:200]))
    if i >= warmup:
        times.append((time.perf_counter_ns() - t) / 1000)
times.sort()
print("%.0f %.0f %.0f" % (times[len(times) // 2], times[len(times) * 9 // 10], times[len(times) * 99 // 100]))
PY
}
hz=$(getconf CLK_TCK)
cpu0=$(bench_cpu_ticks "$NUBO_SERVER_PID")
read -r f50 f90 f99 < <(measure price.localhost)
cpu1=$(bench_cpu_ticks "$NUBO_SERVER_PID")
read -r w50 w90 w99 < <(measure quote.localhost)
cpu2=$(bench_cpu_ticks "$NUBO_SERVER_PID")
total=$((REQUESTS + WARMUP))
echo "machine: $(bench_machine 2>/dev/null | tr '\n' ' ')"
echo "load before: $busy; uptime now: $(uptime)"
echo "function call through the gateway (price): p50 ${f50} us, p90 ${f90} us, p99 ${f99} us;" \
  "server CPU $(( (cpu1 - cpu0) * 1000000 / hz / total )) us per request"
echo "express workflow through the gateway (quote, 3 states, 1 call): p50 ${w50} us, p90 ${w90} us, p99 ${w99} us;" \
  "server CPU $(( (cpu2 - cpu1) * 1000000 / hz / total )) us per request"
echo "workflow p50 above its call's p50: $(( w50 - f50 )) us"
