"""A small upstream for the autoscaling benchmarks (bench/burst.sh, loadstep.sh, rollout.sh).

GET any path: sleeps ?ms=N milliseconds (default $SLEEP_MS, else 0), then answers 200 with the
revision's name ($NUBO_REVISION) and a newline. Standard library only.

Keep-alive HTTP/1.1 with Nagle off and a large listen backlog: with Python's defaults every answer
stalls about 40 ms (Nagle + delayed ACK on the split header/body writes) and a burst of connections
overflows the backlog of 5 and is refused.

With PY_DEFAULTS=1 it keeps exactly those defaults instead, as an unmodified app would: http.server's
HTTPServer, one request at a time, HTTP/1.0, a listen backlog of 5. START_DELAY_MS sleeps that long
before it listens, as a slow-starting app does.
"""
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        ms = int(q.get("ms", [os.environ.get("SLEEP_MS", "0")])[0])
        if ms:
            time.sleep(ms / 1000)
        body = (os.environ.get("NUBO_REVISION", "?") + "\n").encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
time.sleep(int(os.environ.get("START_DELAY_MS", "0")) / 1000)
if os.environ.get("PY_DEFAULTS") == "1":
    Handler.protocol_version = BaseHTTPRequestHandler.protocol_version
    Handler.disable_nagle_algorithm = False
    HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
Server(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
