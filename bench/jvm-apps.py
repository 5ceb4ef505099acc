#!/usr/bin/env python3
"""Start times of an unmodified JVM app, for bench/jvm-apps.sh; standard library only, loopback only.

  jvm-apps.py plain ROUNDS DIR PROGRAM ARGS...
      Starts PROGRAM ARGS in DIR with a free PORT, ROUNDS times: the milliseconds from starting the
      process to its first 200 answer to GET / (polled every 5 ms), and the CPU milliseconds the process
      had used by then, then SIGTERM. "ms cpu_ms" a line.
  jvm-apps.py instance-cpu SERVICE
      The CPU milliseconds used so far by the newest instance of the serving revision (right after a
      cold start's 200: what its start cost).
  jvm-apps.py cache-ready SERVICE TIMEOUT_S
      Waits until the serving revision's startCache says "in use" (GET /v1/services/SERVICE); prints
      the seconds waited and the text. Needs NUBO_API and NUBO_TOKEN_FILE.
  jvm-apps.py first-start SERVICE
      The start (ms, launch to ready) of the revision's oldest instance still listed.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import time

from fleet import request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_200(port, limit_s):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit_s:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/")
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.005)
    return False


def cpu_ms(pid):
    """User + system CPU of a process so far (/proc/PID/stat), in ms; None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def plain(argv):
    rounds, cwd, command = int(argv[0]), argv[1], argv[2:]
    for _ in range(rounds):
        port = free_port()
        env = dict(os.environ, PORT=str(port))
        t0 = time.perf_counter()
        p = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ok = first_200(port, 120)
        ms = (time.perf_counter() - t0) * 1000
        cpu = cpu_ms(p.pid)
        p.terminate()
        p.wait(30)
        print("%.1f %.0f" % (ms, cpu) if ok and cpu is not None else "NA NA", flush=True)


def serving(service):
    status, data, _ = request("GET", "/v1/services/" + service)
    revs = json.loads(data)["revisions"] if status == 200 else []
    return ([r for r in revs if r["serving"]] or revs or [None])[0]


def cache_ready(argv):
    service, limit = argv[0], float(argv[1])
    t0 = time.monotonic()
    text = ""
    while time.monotonic() - t0 < limit:
        r = serving(service)
        text = (r or {}).get("startCache") or ""
        if " in use" in text or text.startswith("none"):
            break
        time.sleep(0.5)
    print("%.1f %s" % (time.monotonic() - t0, text))


def instance_cpu(argv):
    r = serving(argv[0])
    instances = sorted((r or {}).get("instances", []), key=lambda i: i.get("createdAt") or "")
    pids = [i["pid"] for i in instances if i.get("pid")]
    cpu = cpu_ms(pids[-1]) if pids else None
    print("%.0f" % cpu if cpu is not None else "NA")


def first_start(argv):
    r = serving(argv[0])
    starts = [i.get("startMs") for i in (r or {}).get("instances", []) if i.get("startMs") is not None]
    print(starts[0] if starts else "NA")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"plain": plain, "cache-ready": cache_ready, "first-start": first_start, "instance-cpu": instance_cpu}[command](rest)
