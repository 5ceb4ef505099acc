"""Change-to-watcher latency of Nubo's registry: registers and cancels instances over the Eureka API
and times each change until a GET /v1/registry/watch subscriber reads it. Prints a markdown table.

usage: registry_watch.py API_URL CHANGES
"""
import http.client, json, sys, threading, time
from urllib.parse import urlparse

api = urlparse(sys.argv[1])
changes = int(sys.argv[2])
seen = {}                     # "ACTION id" -> monotonic time the watcher read it
cond = threading.Condition()

def watch():
    conn = http.client.HTTPConnection(api.hostname, api.port)
    conn.request("GET", "/v1/registry/watch")
    resp = conn.getresponse()
    for raw in resp:
        line = raw.decode().rstrip("\n")
        if line.startswith("data:"):
            data = json.loads(line[5:])
            if "action" in data:
                with cond:
                    seen[data["action"] + " " + data["instance"]["id"]] = time.monotonic()
                    cond.notify_all()
        elif line.startswith("event: snapshot"):
            with cond:
                seen["snapshot"] = time.monotonic()
                cond.notify_all()

def body(i):
    return json.dumps({"instance": {"instanceId": "bench-%d" % i, "app": "BENCH", "hostName": "10.9.9.9", "ipAddr": "10.9.9.9",
                                    "status": "UP", "port": {"$": 20000 + i % 1000, "@enabled": "true"},
                                    "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"}}})

def wait_for(key):
    with cond:
        if not cond.wait_for(lambda: key in seen, timeout=30):
            sys.exit("the watcher never saw " + key)
        return seen[key]

threading.Thread(target=watch, daemon=True).start()
wait_for("snapshot")
client = http.client.HTTPConnection(api.hostname, api.port)
lat = []
for i in range(changes):
    for method, path, payload, action in (("POST", "/eureka/apps/BENCH", body(i), "ADDED"),
                                          ("DELETE", "/eureka/apps/BENCH/bench-%d" % i, None, "DELETED")):
        t0 = time.monotonic()
        client.request(method, path, payload, {"Content-Type": "application/json", "Accept": "application/json"})
        r = client.getresponse(); r.read()
        if r.status >= 300:
            sys.exit("%s %s answered %d" % (method, path, r.status))
        lat.append((wait_for(action + " bench-%d" % i) - t0) * 1000)
lat.sort()
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print("| changes | p50 ms | p90 ms | p99 ms | max ms |")
print("|---|---|---|---|---|")
print("| %d | %.2f | %.2f | %.2f | %.2f |" % (len(lat), pick(0.5), pick(0.9), pick(0.99), lat[-1]))
