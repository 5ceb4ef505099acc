#!/usr/bin/env python3
"""Helpers for the autoscaling benchmarks (bench/burst.sh, loadstep.sh, rollout.sh); standard library only.
bench/scale-lib.sh wraps them; each subcommand prints one line of space-separated fields (or writes a file).

  poll SERVICE OUT INTERVAL_MS    GET /v1/services/SERVICE every INTERVAL_MS on one keep-alive connection until
                                  SIGTERM; one JSON line per poll: {"t": epoch s, "revs": [{"id", "desired", "mode",
                                  "reason", "inFlight", "waiting", "requests", "held", "states": {STATE: n},
                                  "instances": {ID: [STATE, startMs]}}]}.
                                  Needs NUBO_API and NUBO_TOKEN_FILE. (poll and sample also stop when the process
                                  that started them is gone, and after an hour.)
  sample HOST OUT INTERVAL_MS     GET / on $NUBO_GATEWAY with Host: HOST on one keep-alive connection, one request
                                  every INTERVAL_MS, until SIGTERM; lines "t status ms body" ("t ERR ms message").
  burst-poll FILE                 "max_live max_ready max_desired launched retired" over a poll file: the most
                                  instances alive (starting, ready) and READY at once, the largest desired count, and
                                  how many distinct instances were seen, and how many of them were gone or no longer
                                  alive by the last poll
  cold-times DESCRIBE T0          "decided_ms created_ms ready_ms" from a saved GET /v1/services/NAME: ms from T0 (epoch s)
                                  to the first scaling event, the first instance created and the first ready after T0
                                  (instances stopped since are no longer listed)
  step-poll FILE T0 DESIRED T_END "ready_s decided_s max_live max_ready final_live final_ready" over the polls from
                                  T0 to T_END (epoch s): seconds from T0 until DESIRED instances were READY, and until
                                  the autoscaler wanted that many (NA if never); the last poll's counts are final
  hey-csv FILE N                  "rows errors non200 p50_ms p99_ms first_ms last_ms" from `hey -o csv` output of N
                                  requests (hey leaves failed requests out of its CSV: errors = N - rows)
  hey-summary FILE                "requests non200 errors p50_ms p99_ms rps" from hey's summary output
  sample-summary FILE             "requests errors non200 REV=count,REV=count" from a sample file
"""
import http.client
import json
import math
import os
import re
import signal
import sys
import time
from urllib.parse import urlparse

LIVE = ("STARTING", "READY", "BACKOFF")


def _stop_on_term():
    """Exits on SIGTERM, and (checked by _orphaned) once the script that started it is gone."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    global _PARENT
    _PARENT = os.getppid()


_PARENT = None
MAX_SECONDS = 3600


def _orphaned(started):
    return os.getppid() != _PARENT or time.time() - started > MAX_SECONDS


def _connection(url):
    u = urlparse(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=10)


def poll(service, out, interval_ms):
    _stop_on_term()
    api = os.environ["NUBO_API"]
    with open(os.environ["NUBO_TOKEN_FILE"]) as f:
        token = f.read().strip()
    headers = {"Authorization": "Bearer " + token}
    conn = _connection(api)
    interval = int(interval_ms) / 1000
    with open(out, "a", buffering=1) as w:
        next_at = started = time.time()
        while not _orphaned(started):
            t = time.time()
            line = {"t": round(t, 4)}
            try:
                conn.request("GET", "/v1/services/" + service, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    line["error"] = "HTTP %d" % resp.status
                else:
                    line["revs"] = [_rev(r) for r in json.loads(body)["revisions"]]
            except (OSError, http.client.HTTPException, ValueError) as e:
                line["error"] = repr(e)
                conn.close()
                conn = _connection(api)
            w.write(json.dumps(line, separators=(",", ":")) + "\n")
            next_at += interval
            time.sleep(max(0.0, next_at - time.time()))


def _rev(r):
    s = r.get("scaling") or {}
    states = {}
    for i in r.get("instances") or []:
        states[i["state"]] = states.get(i["state"], 0) + 1
    return {"id": r["id"], "state": r["state"], "desired": s.get("desired"), "mode": s.get("mode"),
            "reason": s.get("reason"), "inFlight": s.get("inFlight"), "waiting": s.get("waiting"),
            "requests": s.get("requests"), "held": s.get("held"), "states": states,
            "instances": {i["id"]: [i["state"], i.get("startMs")] for i in r.get("instances") or []}}


def sample(host, out, interval_ms):
    _stop_on_term()
    gateway = os.environ["NUBO_GATEWAY"]
    conn = _connection(gateway)
    interval = int(interval_ms) / 1000
    with open(out, "a", buffering=1) as w:
        next_at = started = time.time()
        while not _orphaned(started):
            t = time.time()
            try:
                conn.request("GET", "/", headers={"Host": host})
                resp = conn.getresponse()
                body = resp.read().decode(errors="replace").strip().replace(" ", "_")[:60]
                w.write("%.4f %d %.1f %s\n" % (t, resp.status, (time.time() - t) * 1000, body or "-"))
            except (OSError, http.client.HTTPException) as e:
                w.write("%.4f ERR %.1f %s\n" % (t, (time.time() - t) * 1000, repr(e).replace(" ", "_")[:120]))
                conn.close()
                conn = _connection(gateway)
            next_at += interval
            time.sleep(max(0.0, next_at - time.time()))


def _polls(path):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                p = json.loads(line)
                if "revs" in p:
                    yield p


def _live(rev):
    return sum(rev["states"].get(s, 0) for s in LIVE)


def burst_poll(path):
    max_live = max_ready = max_desired = 0
    launched, last = set(), set()
    for p in _polls(path):
        last = set()
        for r in p["revs"]:
            max_live = max(max_live, _live(r))
            max_ready = max(max_ready, r["states"].get("READY", 0))
            max_desired = max(max_desired, r["desired"] or 0)
            for i, (state, _) in r.get("instances", {}).items():
                launched.add(i)
                if state in LIVE:
                    last.add(i)
    print(max_live, max_ready, max_desired, len(launched), len(launched - last))


def _epoch(iso):
    """An API timestamp (ISO 8601, UTC, up to nanoseconds) in epoch seconds."""
    from datetime import datetime, timezone
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", iso)
    if not m:
        return None
    whole = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return whole + (float("0." + m.group(2)) if m.group(2) else 0.0)


def cold_times(path, t0):
    t0 = float(t0)
    d = json.load(open(path))
    decided = [e for e in (_epoch(e["time"]) for e in d["events"] if "instances:" in e["message"]) if e and e >= t0]
    created = [c for c in (_epoch(i["createdAt"]) for r in d["revisions"] for i in r["instances"]) if c and c >= t0]
    ready = [c for c in (_epoch(i["readyAt"]) for r in d["revisions"] for i in r["instances"] if i.get("readyAt"))
             if c and c >= t0]
    fmt = lambda v: "NA" if not v else "%.0f" % ((min(v) - t0) * 1000)
    print(fmt(decided), fmt(created), fmt(ready))


def step_poll(path, t0, desired, t_end):
    t0, desired, t_end = float(t0), int(desired), float(t_end)
    ready_at = decided_at = None
    max_live = max_ready = 0
    final = (0, 0)
    for p in _polls(path):
        if p["t"] < t0 or p["t"] > t_end:
            continue
        live = sum(_live(r) for r in p["revs"])
        ready = sum(r["states"].get("READY", 0) for r in p["revs"])
        decided = sum(r["desired"] or 0 for r in p["revs"])
        max_live, max_ready = max(max_live, live), max(max_ready, ready)
        if ready_at is None and ready >= desired:
            ready_at = p["t"] - t0
        if decided_at is None and decided >= desired:
            decided_at = p["t"] - t0
        final = (live, ready)
    fmt = lambda v: "NA" if v is None else "%.2f" % v
    print(fmt(ready_at), fmt(decided_at), max_live, max_ready, *final)


def _pct(sorted_values, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def hey_csv(path, n):
    n = int(n)
    lat, ends, non200 = [], [], 0
    with open(path) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) < 8 or not re.match(r"^[0-9.]+$", fields[0]):
                continue
            rt, status, offset = float(fields[0]), int(fields[6]), float(fields[7])
            lat.append(rt)
            ends.append(offset + rt)
            if status != 200:
                non200 += 1
    lat.sort()
    rows = len(lat)
    fmt = lambda s: "NA" if s != s else "%.0f" % (s * 1000)
    print(rows, max(0, n - rows), non200, fmt(_pct(lat, 50)), fmt(_pct(lat, 99)),
          fmt(min(ends) if ends else float("nan")), fmt(max(ends) if ends else float("nan")))


def hey_summary(path):
    text = open(path).read()
    def secs(label):
        m = re.search(r"^\s*%s in ([0-9.]+) secs" % re.escape(label), text, re.M)
        return "NA" if not m else "%.1f" % (float(m.group(1)) * 1000)
    rps = re.search(r"Requests/sec:\s*([0-9.]+)", text)
    codes = dict((int(c), int(k)) for c, k in re.findall(r"^\s*\[(\d{3})\]\s+(\d+) responses", text, re.M))
    errors = 0
    if "Error distribution:" in text:
        errors = sum(int(k) for k in re.findall(r"^\s*\[(\d+)\]\s", text.split("Error distribution:", 1)[1], re.M))
    total = sum(codes.values()) + errors
    non200 = sum(k for c, k in codes.items() if c != 200)
    print(total, non200, errors, secs("50%"), secs("99%"), "NA" if not rps else "%.0f" % float(rps.group(1)))


def sample_summary(path):
    total = errors = non200 = 0
    by = {}
    with open(path) as f:
        for line in f:
            parts = line.split(" ", 3)
            if len(parts) < 4:
                continue
            total += 1
            if parts[1] == "ERR":
                errors += 1
                continue
            if parts[1] != "200":
                non200 += 1
                continue
            body = parts[3].strip()
            by[body] = by.get(body, 0) + 1
    print(total, errors, non200, ",".join("%s=%d" % kv for kv in sorted(by.items())) or "-")


COMMANDS = {"poll": poll, "sample": sample, "burst-poll": burst_poll, "cold-times": cold_times, "step-poll": step_poll,
            "hey-csv": hey_csv,
            "hey-summary": hey_summary, "sample-summary": sample_summary}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except KeyboardInterrupt:
        pass
