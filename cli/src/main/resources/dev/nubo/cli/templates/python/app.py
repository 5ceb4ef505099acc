"""An ordinary Python web app: Nubo only asks that it listen on $PORT."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def greet(name):
    """The answer to a request for `name`."""
    return {"message": f"Hello, {name or 'world'}"}


class Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"    # keep-alive, so the gateway reuses its connections

    def do_GET(self):
        name = parse_qs(urlparse(self.path).query).get("name", [None])[0]
        body = json.dumps(greet(name)).encode() + b"\n"
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    request_queue_size = 1024        # Python's default backlog of 5 refuses bursts of new connections


if __name__ == "__main__":
    server = Server(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Hello)
    print(f"listening on {server.server_port}", flush=True)
    server.serve_forever()
