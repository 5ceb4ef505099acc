"""An ordinary Python web app, deployed unmodified: Nubo only asks that it listen on $PORT."""
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Hello(BaseHTTPRequestHandler):
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

    do_POST = do_GET

    def log_message(self, fmt, *args):
        print(f"{self.command} {self.path} request-id={self.headers.get('x-request-id')}", flush=True)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Hello)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"hello-python listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
