"""An ordinary Python web app, deployed unmodified: Nubo only asks that it listen on $PORT."""
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"    # keep-alive, so the gateway reuses its connections
    disable_nagle_algorithm = True   # head and body are two writes; Nagle would hold the second for an ACK

    def do_GET(self):
        body = json.dumps({
            "message": f"{os.environ.get('GREETING', 'Hello')} from Python {sys.version.split()[0]}",
            "revision": os.environ.get("NUBO_REVISION"),
            "path": self.path,
        }).encode() + b"\n"
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", "0")))  # on a kept-alive connection, read it all
        self.do_GET()

    def log_message(self, fmt, *args):
        print(f"{self.command} {self.path} request-id={self.headers.get('x-request-id')}", flush=True)


class Server(ThreadingHTTPServer):
    # Python's default listen backlog is 5: a burst of new connections (a cold start releasing
    # held requests) would see some refused. Node and uvicorn use 511 and 2048.
    request_queue_size = 1024


if __name__ == "__main__":
    server = Server(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Hello)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"hello-python listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
