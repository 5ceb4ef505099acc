#!/usr/bin/env python3
"""Cold starts, warm latency and idle memory of function runtimes, for bench/coldstart.sh.

  coldstart.py measure --rounds 50 --out RESULTS/cold.jsonl SERVICE=GATEWAY,API,TOKENFILE ...
      For each service, ROUNDS times: wait until it has no instance and the machine is quiet
      (under 20 % CPU over 100 ms, at most 3 s), then time one POST from the moment the request is
      sent until the whole response is read (a new TCP connection each time, as a caller arriving
      after a quiet period would make). One request at a time over all services, so no cold start
      shares the CPU with another measured one; services take turns, so their idle periods overlap.
      Right after each response it reads the instance that served it (GET /v1/services/NAME) and
      records the phases of the cold start on the machine's one wall clock:
        decision     request sent -> instance launched (the gateway holds it, the scaler decides, a
                     reconcile pass launches: takes a pooled process or spawns one)
        specialise   launched -> ready (the specialisation message, the function loaded, the port
                     bound, the readiness probe seeing it)
        hold         decision + specialise: how long the request waited in the gateway
        response     ready -> last byte (the route, the gateway's connection, the first invocation)
  coldstart.py summary RESULTS/cold.jsonl     the table rows: p50, p99, min, max per service
  coldstart.py phases RESULTS/cold.jsonl      per service, p50 and p99 of each phase
  coldstart.py rss SERVICE=GATEWAY,API,TOKENFILE ...
      Warms each service (20 requests), waits 0.6 s, prints the RSS and PSS (KiB; PSS counts a page
      shared by N processes as 1/N: what one more instance really costs) of its instance, and of the
      idle pooled processes (those started with NUBO_POOL=1 and serving no instance).

Standard library only; talks to loopback only. Every loop is bounded in rounds and in time.
"""
import calendar
import http.client
import json
import os
import re
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
    """(milliseconds from sending the request to the last byte of the response, status, wall clock
    at sending, wall clock at the last byte)."""
    conn = http.client.HTTPConnection(hostport(gateway), timeout=timeout)
    try:
        wall0 = time.time()
        t0 = time.perf_counter()
        conn.request("POST", "/", body=BODY, headers={"Host": service + ".localhost",
                                                      "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        ms = (time.perf_counter() - t0) * 1000
        return ms, r.status, wall0, wall0 + ms / 1000
    finally:
        conn.close()


def epoch(instant):
    """Seconds since the epoch of an ISO-8601 instant as the API writes it (2026-01-02T03:04:05.123456789Z)."""
    m = re.match(r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(?:\.(\d+))?Z$", instant)
    if not m:
        return None
    y, mo, d, h, mi, s_, frac = m.groups()
    whole = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s_)))
    return whole + (int(frac) / 10 ** len(frac) if frac else 0.0)


def phases(api, token, service, wall0, wall1):
    """The phases of the cold start just measured, from the instance that served it: the newest
    instance created after the request was sent; {} when there is none (it is gone already)."""
    newest = None
    for i in instances(api, token, service):
        created = epoch(i["createdAt"] or "")
        if created is not None and created >= wall0 - 0.001 and (newest is None or created > newest[0]):
            newest = (created, i)
    if newest is None or not newest[1].get("readyAt"):
        return {}
    created, i = newest
    ready = epoch(i["readyAt"])
    return {"decision_ms": round((created - wall0) * 1000, 2), "specialise_ms": round((ready - created) * 1000, 2),
            "hold_ms": round((ready - wall0) * 1000, 2), "response_ms": round((wall1 - ready) * 1000, 2),
            "pooled": i.get("pooled")}


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
                ms, status, wall0, wall1 = invoke(gateway, name)
                done[name] += 1
                progressed = True
                record = {"service": name, "ms": round(ms, 2), "status": status, "quiet_wait_s": round(waited, 2)}
                record.update(phases(api, token, name, wall0, wall1))
                f.write(json.dumps(record) + "\n")
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


PHASES = ("decision_ms", "specialise_ms", "hold_ms", "response_ms")


def phase_summary(argv):
    by = {}
    with open(argv[0]) as f:
        for line in f:
            r = json.loads(line)
            if r["status"] == 200 and "hold_ms" in r:
                by.setdefault(r["service"], []).append(r)
    for name, rows in by.items():
        cells = []
        for p in PHASES:
            v = [r[p] for r in rows]
            cells.append("%.1f/%.1f" % (pct(v, 50), pct(v, 99)))
        print("%s %d %s" % (name, len(rows), " ".join(cells)))


def memory_kib(pid):
    """(RSS, PSS) in KiB, from /proc/PID/smaps_rollup; None when the process is gone."""
    values = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if parts and parts[0] in ("Rss:", "Pss:"):
                    values[parts[0]] = int(parts[1])
    except OSError:
        return None
    if "Rss:" not in values:
        return None
    return values["Rss:"], values.get("Pss:", 0)


def tree(pid):
    """pid and its descendants: a sandboxed instance's pid is bubblewrap's, its program a grandchild."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def tree_kib(pid):
    """(RSS, PSS) of pid's whole tree (bubblewrap's two small processes included); None when it is gone."""
    values = [v for v in (memory_kib(p) for p in tree(pid)) if v]
    if not values:
        return None
    return sum(v[0] for v in values), sum(v[1] for v in values)


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
        if b"NUBO_POOL=1" in env and os.path.basename(cmd[0].decode()) != "bwrap":
            pids.append((int(entry), os.path.basename(cmd[0].decode())))
    return pids


def rss(argv):
    targets = parse_targets(argv)
    serving = set()
    long_idle = []
    for name, (gateway, api, token) in targets.items():
        for _ in range(20):
            invoke(gateway, name)
        # Idle, but not so long that `scale.idle` (1 s in bench/coldstart.sh) takes the instance away.
        time.sleep(0.6)
        ready = [i for i in instances(api, token, name) if i["state"] == "READY" and i.get("pid")]
        for i in ready:
            serving.update(tree(i["pid"]))
        values = [tree_kib(i["pid"]) for i in ready]
        values = [v for v in values if v]
        print("instance %s %s" % (name, " ".join("%d/%d" % v for v in values) or "NA"))
        if name.endswith("-idle"):
            long_idle.append((name, [i["pid"] for i in ready]))
    # Services named *-idle scale to zero after 30 s: measured again once idle for 8 s, as an instance
    # between requests mostly is (the JVM returns its compiler's arenas 5 s after warm-up).
    if long_idle:
        time.sleep(8)
        for name, pids in long_idle:
            values = [v for v in (tree_kib(p) for p in pids) if v]
            print("instance-8s %s %s" % (name, " ".join("%d/%d" % v for v in values) or "NA"))
    for pid, program in pooled_pids():
        if pid not in serving:
            v = memory_kib(pid)
            if v:
                print("pooled %s %d/%d" % (program, v[0], v[1]))


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"measure": measure, "summary": summary, "phases": phase_summary, "rss": rss}[command](rest)
