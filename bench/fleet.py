#!/usr/bin/env python3
"""Many services on one server, for bench/scale.sh; standard library only, loopback only.

  fleet.py deploy TEMPLATE_DIR PREFIX FROM TO OUT
      Deploys services PREFIX-FROM .. PREFIX-TO (4 digits) with POST /v1/deployments, one at a time: the
      template directory zipped in memory with `name:` set to each. One line per deploy to OUT:
      "n ms status" (ms from sending the request to the whole 201 answer). Needs NUBO_API, NUBO_TOKEN_FILE.
  fleet.py deploy-summary OUT BAND
      One line per BAND deploys: "first last p50 p99 max errors".
  fleet.py list ROUNDS
      Times GET /v1/services ROUNDS times on a new connection each: "services p50 p99 max" (ms).
  fleet.py wait-zero TIMEOUT_S
      Waits until no service has an instance READY or STARTING (GET /v1/services); prints the seconds waited
      and the services left with instances ("seconds left").
  fleet.py redeploy TEMPLATE_DIR NAME COUNT
      Deploys NAME COUNT more times (each a new revision, with a different variable so its digest differs)
      and waits for each to be READY and the one before to be retired: "ms_p50 ms_max" per deploy until READY.
  fleet.py thread-cpu PID NAME
      CPU milliseconds (user + system) the server's thread named NAME has used so far.
"""
import http.client
import io
import json
import os
import re
import sys
import time
import zipfile

from coldstart import pct  # bench/coldstart.py, beside this file


def api():
    url = os.environ["NUBO_API"].split("://", 1)[1].rstrip("/")
    with open(os.environ["NUBO_TOKEN_FILE"]) as f:
        return url, f.read().strip()


def request(method, path, body=None, headers=None, timeout=60):
    host, token = api()
    conn = http.client.HTTPConnection(host, timeout=timeout)
    try:
        h = {"Authorization": "Bearer " + token}
        h.update(headers or {})
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        return r.status, data, (time.perf_counter() - t0) * 1000
    finally:
        conn.close()


def archive(template, name, extra_env=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for root, _, files in os.walk(template):
            for f in sorted(files):
                path = os.path.join(root, f)
                rel = os.path.relpath(path, template)
                with open(path, "rb") as src:
                    data = src.read()
                if rel == "nubo.yaml":
                    text = re.sub(r"(?m)^name: .*$", "name: " + name, data.decode())
                    if extra_env and re.search(r"(?m)^env:\s*$", text):
                        text = re.sub(r"(?m)^env:\s*$", "env:\n  BENCH_VERSION: '%s'" % extra_env, text)
                    elif extra_env:
                        text += "\nenv: {BENCH_VERSION: '%s'}\n" % extra_env
                    data = text.encode()
                z.writestr(zipfile.ZipInfo(rel, (2020, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def deploy_one(template, name, extra_env=None):
    body = archive(template, name, extra_env)
    return request("POST", "/v1/deployments", body, {"Content-Type": "application/zip"})


def deploy(argv):
    template, prefix, first, last, out = argv[0], argv[1], int(argv[2]), int(argv[3]), argv[4]
    with open(out, "a") as f:
        for n in range(first, last + 1):
            status, data, ms = deploy_one(template, "%s-%04d" % (prefix, n))
            f.write("%d %.2f %d\n" % (n, ms, status))
            if status != 201:
                print("deploy %d: %d %s" % (n, status, data[:300]), file=sys.stderr)


def deploy_summary(argv):
    rows = [line.split() for line in open(argv[0])]
    band = int(argv[1])
    for i in range(0, len(rows), band):
        chunk = rows[i:i + band]
        ms = [float(r[1]) for r in chunk]
        errors = sum(1 for r in chunk if r[2] != "201")
        print("%s %s %.1f %.1f %.1f %d" % (chunk[0][0], chunk[-1][0], pct(ms, 50), pct(ms, 99), max(ms), errors))


def services():
    status, data, ms = request("GET", "/v1/services")
    if status != 200:
        raise RuntimeError("GET /v1/services: %d %s" % (status, data[:200]))
    return json.loads(data)["services"], ms


def list_latency(argv):
    times = []
    count = 0
    for _ in range(int(argv[0])):
        found, ms = services()
        count = len(found)
        times.append(ms)
    print("%d %.1f %.1f %.1f" % (count, pct(times, 50), pct(times, 99), max(times)))


def live(found):
    return [s["name"] for s in found if s["instances"]["ready"] > 0 or s["instances"]["desired"] > 0]


def wait_zero(argv):
    limit = float(argv[0])
    t0 = time.monotonic()
    left = []
    while time.monotonic() - t0 < limit:
        found, _ = services()
        left = [n for n in live(found) if not n.startswith("upstream")]
        if not left:
            break
        time.sleep(1)
    print("%.1f %d" % (time.monotonic() - t0, len(left)))


def revisions(name):
    status, data, _ = request("GET", "/v1/services/" + name)
    return json.loads(data)["revisions"] if status == 200 else []


def redeploy(argv):
    template, name, count = argv[0], argv[1], int(argv[2])
    times = []
    for k in range(count):
        t0 = time.perf_counter()
        status, data, _ = deploy_one(template, name, "v%d-%d" % (k, time.time_ns()))
        if status != 201:
            raise RuntimeError("redeploy of %s: %d %s" % (name, status, data[:300]))
        revision = json.loads(data)["revision"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            revs = revisions(name)
            serving = [r for r in revs if r["serving"]]
            others_live = [i for r in revs if r["id"] != revision for i in r["instances"]
                           if i["state"] in ("STARTING", "READY", "DRAINING")]
            if serving and serving[0]["id"] == revision and not others_live:
                break
            time.sleep(0.01)
        times.append((time.perf_counter() - t0) * 1000)
    print("%.1f %.1f" % (pct(times, 50), max(times)))


def thread_cpu(argv):
    pid, name = argv[0], argv[1]
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for tid in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/comm" % (pid, tid)) as f:
                if f.read().strip() != name[:15]:
                    continue
            with open("/proc/%s/task/%s/stat" % (pid, tid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    print("%.0f" % (total * 1000.0 / tick))


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"deploy": deploy, "deploy-summary": deploy_summary, "list": list_latency, "wait-zero": wait_zero,
     "redeploy": redeploy, "thread-cpu": thread_cpu}[command](rest)
