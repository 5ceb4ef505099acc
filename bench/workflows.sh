#!/usr/bin/env bash
# Durable workflow transitions per second: EXECUTIONS executions of a chain of STATES states (Pass and
# Choice, alternating; no Task), started at once through the control API on a server that keeps its
# state in SQLite (NUBO_HOME/nubo.db), timed from the first start until the last execution is
# SUCCEEDED (polled every 250 ms). Every state is one recorded step (its history events and cursor, one
# transaction), so transitions/s = EXECUTIONS * STATES / elapsed. Also prints the server's CPU time per
# transition.
#
# Usage: bench/workflows.sh
# Environment: EXECUTIONS [200], STATES [20], PARALLEL [16] concurrent starts.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EXECUTIONS=$(int_env EXECUTIONS 200 1 100000)
STATES=$(int_env STATES 20 2 1000)
PARALLEL=$(int_env PARALLEL 16 1 256)
bench_require python3 curl

bench_build_nubo
bench_start_nubo --pool-size 0
token="$(cat "$NUBO_TOKEN_FILE")"

definition="$(python3 - "$STATES" <<'PY'
import json, sys
n = int(sys.argv[1])
states = {}
for i in range(n):
    nxt = "S%d" % (i + 1) if i + 1 < n else None
    if i % 2 == 0:
        s = {"Type": "Pass", "Result": i, "ResultPath": "$.last"}
    else:
        s = {"Type": "Choice", "Choices": [{"Variable": "$.last", "NumericGreaterThanEquals": 0, "Next": nxt or "End"}],
             "Default": nxt or "End"}
    if s["Type"] == "Pass":
        if nxt: s["Next"] = nxt
        else: s["End"] = True
    states["S%d" % i] = s
if "End" not in states and any(s.get("Default") == "End" for s in states.values()):
    states["End"] = {"Type": "Succeed"}
print(json.dumps({"definition": {"StartAt": "S0", "States": states}}))
PY
)"
curl -sf -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$definition" \
  "$NUBO_API/v1/workflows/chain" >/dev/null || bench_die "the workflow was refused" "see $NUBO_SERVER_LOG"

busy=$(bench_warn_if_busy)
cpu0=$(bench_cpu_ticks "$NUBO_SERVER_PID")
t0=$(date +%s%N)
# Starts over PARALLEL keep-alive connections (a process per request would measure the client), then
# polls the list every 250 ms.
python3 - "$NUBO_API" "$token" "$EXECUTIONS" "$PARALLEL" <<'PY' || bench_die "the executions did not all succeed" "see $NUBO_SERVER_LOG"
import http.client, json, sys, time, threading, urllib.parse
api, token, n, parallel = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
u = urllib.parse.urlparse(api)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def starter(k):
    c = http.client.HTTPConnection(u.hostname, u.port)
    for i in range(k, n, parallel):
        c.request("POST", "/v1/workflows/chain/executions", json.dumps({"input": {"n": i}, "name": "e%d" % i}), headers)
        r = c.getresponse(); r.read()
        assert r.status == 201, r.status
threads = [threading.Thread(target=starter, args=(k,)) for k in range(parallel)]
[t.start() for t in threads]; [t.join() for t in threads]
c = http.client.HTTPConnection(u.hostname, u.port)
for _ in range(2400):
    c.request("GET", "/v1/workflows/chain/executions?limit=100000", headers=headers)
    done = sum(1 for e in json.loads(c.getresponse().read())["executions"] if e["status"] == "SUCCEEDED")
    if done >= n:
        sys.exit(0)
    time.sleep(0.25)
sys.exit(1)
PY
t1=$(date +%s%N)
cpu1=$(bench_cpu_ticks "$NUBO_SERVER_PID")
python3 - "$EXECUTIONS" "$STATES" "$t0" "$t1" "$cpu0" "$cpu1" "$(getconf CLK_TCK)" <<'PY'
import sys
n, states, t0, t1, c0, c1, hz = (int(x) for x in sys.argv[1:])
secs = (t1 - t0) / 1e9
transitions = n * states
print("executions %d x %d states = %d transitions in %.2f s: %.0f transitions/s, server CPU %.0f us per transition"
      % (n, states, transitions, secs, transitions / secs, (c1 - c0) / hz * 1e6 / transitions))
PY
bench_log "machine: $(bench_machine); busy before the run: $busy"
