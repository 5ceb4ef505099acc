"""A hostile app for SandboxTest: each GET path tries one escape and answers what happened, as JSON."""
import http.server, json, os, resource, signal, subprocess, sys, time
from urllib.parse import urlparse, parse_qs


def attempt(action):
    try:
        return {"ok": True, "result": action()}
    except Exception as e:  # the refusal is the answer
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}


def read(path):
    with open(path, "rb") as f:
        return f.read(200).decode("utf-8", "replace")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return "written"


def fork_bomb():
    """Starts sleeping children until the kernel refuses one; answers how many it got, then kills them."""
    children = []
    try:
        while len(children) < 2000:
            children.append(subprocess.Popen(["sleep", "600"]))
    except OSError as e:
        refused = str(e)
    else:
        refused = "never"
    for c in children:
        c.kill()
        c.wait()
    return {"started": len(children), "refused": refused}


def daemonise(tag):
    """The classic double fork with setsid, stdio detached: a daemon that would outlive its parent."""
    subprocess.Popen(["sh", "-c", "setsid sh -c 'exec sleep %s' </dev/null >/dev/null 2>&1 &" % tag])
    return "started"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        actions = {
            "/whoami": lambda: attempt(lambda: {"uid": os.getuid(), "gid": os.getgid(), "cwd": os.getcwd(),
                                                "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}),
            "/read": lambda: attempt(lambda: read(q["path"])),
            "/list": lambda: attempt(lambda: os.listdir(q["path"])),
            "/write": lambda: attempt(lambda: write(q["path"], q.get("text", "x"))),
            "/forkbomb": lambda: attempt(fork_bomb),
            "/daemonise": lambda: attempt(lambda: daemonise(q["tag"])),
        }
        body = json.dumps(actions[url.path]()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


print("hostile listening", flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
