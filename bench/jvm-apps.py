#!/usr/bin/env python3
"""Start times of an unmodified JVM app, for bench/jvm-apps.sh; standard library only, loopback only.

  jvm-apps.py plain ROUNDS DIR PROGRAM ARGS...
      Starts PROGRAM ARGS in DIR with a free PORT, ROUNDS times: the milliseconds from starting the
      process to its first 200 answer to GET / (polled every 5 ms), then SIGTERM. One number a line.
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


def plain(argv):
    rounds, cwd, command = int(argv[0]), argv[1], argv[2:]
    for _ in range(rounds):
        port = free_port()
        env = dict(os.environ, PORT=str(port))
        t0 = time.perf_counter()
        p = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ok = first_200(port, 120)
        ms = (time.perf_counter() - t0) * 1000
        p.terminate()
        p.wait(30)
        print("%.1f" % ms if ok else "NA", flush=True)


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


def first_start(argv):
    r = serving(argv[0])
    starts = [i.get("startMs") for i in (r or {}).get("instances", []) if i.get("startMs") is not None]
    print(starts[0] if starts else "NA")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"plain": plain, "cache-ready": cache_ready, "first-start": first_start}[command](rest)
