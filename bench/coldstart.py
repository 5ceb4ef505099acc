#!/usr/bin/env python3
"""Cold starts, warm latency and idle memory of function runtimes, for bench/coldstart.sh.

  coldstart.py measure --rounds 50 --out RESULTS/cold.jsonl SERVICE=GATEWAY,API,TOKENFILE ...
      For each service, ROUNDS times: wait until it has no instance and the machine is quiet
      (under 20 % CPU over 100 ms, at most 3 s), then time one POST from the moment the request is
      sent until the whole response is read (a new TCP connection each time, as a caller arriving
      after a quiet period would make). One request at a time over all services, so no cold start
      shares the CPU with another measured one; services take turns, so their idle periods overlap.
  coldstart.py summary RESULTS/cold.jsonl     the table rows: p50, p99, min, max per service
  coldstart.py rss SERVICE=GATEWAY,API,TOKENFILE ...
      Warms each service (20 requests), waits 0.6 s, prints the RSS of its instance, and of the idle
      pooled processes (those started with NUBO_POOL=1 and serving no instance).

Standard library only; talks to loopback only. Every loop is bounded in rounds and in time.
"""
import http.client
import json
import os
import sys
import time

BODY = b'{"name":"bench"}'
ACTIVE = {"STARTING", "READY", "DRAINING", "BACKOFF"}


def parse_targets(args):
    targets = {}
    for arg in args:
        name, _, rest = arg.partition("=")
        gateway, api, token_file = rest.split(",")
        with open(token_file) as f:
            token = f.read().strip()
        targets[name] = (gateway, api, token)
    return targets


def hostport(url):
    return url.split("://", 1)[1].rstrip("/")


def api_get(api, token, path):
    conn = http.client.HTTPConnection(hostport(api), timeout=10)
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError("GET %s: %d %s" % (path, r.status, data[:200]))
        return json.loads(data)
    finally:
        conn.close()


def instances(api, token, service):
    d = api_get(api, token, "/v1/services/" + service)
    return [i for rev in d["revisions"] for i in rev["instances"]]


def active(api, token, service):
    return sum(1 for i in instances(api, token, service) if i["state"] in ACTIVE)


def invoke(gateway, service, timeout=60):
    """(milliseconds from sending the request to the last byte of the response, status)."""
    conn = http.client.HTTPConnection(hostport(gateway), timeout=timeout)
    try:
        t0 = time.perf_counter()
        conn.request("POST", "/", body=BODY, headers={"Host": service + ".localhost",
                                                      "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        return (time.perf_counter() - t0) * 1000, r.status
    finally:
        conn.close()


def cpu_busy(window_s):
    """The share of all CPUs busy over the next window_s seconds, 0.0 to 1.0."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return v[3] + v[4], sum(v)
    idle0, total0 = sample()
    time.sleep(window_s)
    idle1, total1 = sample()
    return 1.0 - (idle1 - idle0) / max(1, total1 - total0)


def await_quiet(limit_s=3.0, busy=0.2, window_s=0.1):
    """Waits until the machine is quiet, or limit_s; returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit_s and cpu_busy(window_s) > busy:
        pass
    return time.monotonic() - t0


def measure(argv):
    rounds = int(argv[argv.index("--rounds") + 1])
    out = argv[argv.index("--out") + 1]
    limit_s = float(argv[argv.index("--max-seconds") + 1]) if "--max-seconds" in argv else 1800
    targets = parse_targets([a for a in argv if "=" in a and "," in a])
    done = {name: 0 for name in targets}
    started = time.monotonic()
    with open(out, "a") as f:
        while any(n < rounds for n in done.values()):
            if time.monotonic() - started > limit_s:
                print("stopping after %.0f s with %s cold starts" % (limit_s, done), file=sys.stderr)
                break
            progressed = False
            for name, (gateway, api, token) in targets.items():
                if done[name] >= rounds or active(api, token, name) > 0:
                    continue
                waited = await_quiet()
                if active(api, token, name) > 0:
                    continue
                ms, status = invoke(gateway, name)
                done[name] += 1
                progressed = True
                f.write(json.dumps({"service": name, "ms": round(ms, 2), "status": status,
                                    "quiet_wait_s": round(waited, 2)}) + "\n")
                f.flush()
            if not progressed:
                time.sleep(0.05)
    print("cold starts: %s" % done, file=sys.stderr)


def pct(values, p):
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


def summary(argv):
    by = {}
    errors = {}
    with open(argv[0]) as f:
        for line in f:
            r = json.loads(line)
            by.setdefault(r["service"], []).append(r["ms"])
            if r["status"] != 200:
                errors[r["service"]] = errors.get(r["service"], 0) + 1
    for name, ms in by.items():
        print("%s %d %.1f %.1f %.1f %.1f %d" % (name, len(ms), pct(ms, 50), pct(ms, 99), min(ms), max(ms),
                                               errors.get(name, 0)))


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def pooled_pids():
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % entry, "rb") as f:
                env = f.read().split(b"\0")
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if b"NUBO_POOL=1" in env:
            pids.append((int(entry), os.path.basename(cmd[0].decode())))
    return pids


def rss(argv):
    targets = parse_targets(argv)
    serving = set()
    for name, (gateway, api, token) in targets.items():
        for _ in range(20):
            invoke(gateway, name)
        # Idle, but not so long that `scale.idle` (1 s in bench/coldstart.sh) takes the instance away.
        time.sleep(0.6)
        ready = [i for i in instances(api, token, name) if i["state"] == "READY" and i.get("pid")]
        for i in ready:
            serving.add(i["pid"])
        values = [rss_kib(i["pid"]) for i in ready]
        values = [v for v in values if v]
        print("instance %s %s" % (name, " ".join(str(v) for v in values) or "NA"))
    for pid, program in pooled_pids():
        if pid not in serving:
            print("pooled %s %s" % (program, rss_kib(pid)))


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"measure": measure, "summary": summary, "rss": rss}[command](rest)
