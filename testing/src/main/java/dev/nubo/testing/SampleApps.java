package dev.nubo.testing;

/**
 * Small Python apps that behave in one specific way each, for tests that need a service to be slow,
 * broken or chatty. Python 3 is on every machine Nubo is tested on and starts in tens of
 * milliseconds; each app reads {@code $PORT} like any real one.
 */
public final class SampleApps {

    private SampleApps() {}

    /**
     * Answers every request with {@code NAME says VERSION} plus the request's path; {@code /sleep?ms=N}
     * sleeps first (and {@code /peak} answers the most sleeps this instance ever ran at once);
     * {@code /unready} always answers 503; {@code /headers} echoes the request headers as JSON; POST echoes the body's length. With {@code CRASH_AFTER_MS} in its environment it exits with
     * status 1 that long after starting.
     */
    public static String echo(String version) {
        return """
                import json, os, sys, time, signal
                from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
                from urllib.parse import urlparse, parse_qs
                VERSION = %s
                import threading
                LOCK = threading.Lock()
                RELEASE = threading.Event()
                NOW = [0]
                PEAK = [0]
                class H(BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    disable_nagle_algorithm = True  # head and body go out in two writes; without this, 40 ms stalls
                    def reply(self, status, body, ctype="text/plain"):
                        data = body.encode()
                        self.send_response(status)
                        self.send_header("content-type", ctype)
                        self.send_header("content-length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                    def do_GET(self):
                        u = urlparse(self.path)
                        if u.path == "/unready":
                            return self.reply(503, "never ready")
                        if u.path == "/peak":
                            return self.reply(200, str(PEAK[0]))
                        if u.path == "/sleep":
                            with LOCK:
                                NOW[0] += 1
                                PEAK[0] = max(PEAK[0], NOW[0])
                            time.sleep(int(parse_qs(u.query).get("ms", ["1000"])[0]) / 1000)
                            with LOCK:
                                NOW[0] -= 1
                        if u.path == "/hold":  # answers once /release is called: a request in flight for as long as a test needs
                            print("holding until /release", flush=True)
                            RELEASE.wait(60)
                            RELEASE.clear()
                            return self.reply(200, "released")
                        if u.path == "/release":
                            RELEASE.set()
                            return self.reply(200, "releasing")
                        if u.path == "/headers":
                            return self.reply(200, json.dumps({k.lower(): v for k, v in self.headers.items()}), "application/json")
                        print("served " + u.path, flush=True)
                        self.reply(200, "%%s says %%s at %%s" %% (os.environ["NUBO_SERVICE"], VERSION, u.path))
                    def do_POST(self):
                        n = int(self.headers.get("content-length", "0"))
                        body = self.rfile.read(n)
                        self.reply(200, "received %%d bytes" %% len(body))
                    def log_message(self, *a):
                        pass
                signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
                if os.environ.get("CRASH_AFTER_MS"):
                    import threading
                    threading.Timer(int(os.environ["CRASH_AFTER_MS"]) / 1000, lambda: os._exit(1)).start()
                class Server(ThreadingHTTPServer):
                    request_queue_size = 1024  # the default backlog of 5 drops connections in a burst
                ThreadingHTTPServer = Server
                ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
                """.formatted(pythonString(version));
    }

    /** The {@code nubo.yaml} of an {@link #echo} app with extra lines appended. */
    public static String echoYaml(String name, String extra) {
        return "name: " + name + "\nruntime: process\ncommand: [python3, -u, app.py]\n" + extra;
    }

    private static String pythonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
