"""Nubo's runtime for `runtime: python` functions: serves a Lambda-style handler over HTTP.

    fresh:  PORT=8080 NUBO_HANDLER=main.handler python3 -u nubo_python.py   (cwd = the function's code)
    pooled: NUBO_POOL=1 python3 -u nubo_python.py, then the specialisation message on stdin

The environment, the specialisation message, invocation semantics and exit codes are those of Nubo's
pooled-runtime protocol (pool-protocol.md). Python 3.9+ standard library only.

Every request is one invocation, on its own thread: the body parsed as JSON is the event, the
handler's result is the JSON body of a 200; what the handler raises becomes a 500
{"error":{"type","message"}}. Lines the runtime prints start with `nubo: `, tagged `[request id] `
when they are about an invocation.
"""

import base64
import heapq
import http.client
import http.server
import importlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

STARTED = time.monotonic()

# Bursts arrive at once when the gateway releases the requests it held during a cold start.
BACKLOG = 1024
# Longer than the gateway keeps an idle connection (3 s), so that it, not we, closes it; this only
# bounds the threads that clients which never close their connections can hold.
IDLE_CONNECTION_SECONDS = 65


class InitFailure(Exception):
    """The function cannot start; the message is `<cause> (<fix>)`, user_error what its code raised."""

    def __init__(self, message, user_error=None):
        super().__init__(message)
        self.user_error = user_error


# -------------------------------------------------------------------------------------------------
# Configuration: the only place that reads the platform's variables.
#
#   PORT                   required      port to listen on, on 127.0.0.1 only (the gateway is the way in)
#   NUBO_HANDLER           required      `main.handler`: function `handler` of module main (main.py);
#                                        `pkg/main.handler` and `pkg.main.handler` are allowed
#   NUBO_WORKDIR           cwd           the function's code directory, first on sys.path
#   NUBO_SERVICE           local         context.function_name (AWS_LAMBDA_FUNCTION_NAME wins)
#   NUBO_REVISION          local         context.function_version (AWS_LAMBDA_FUNCTION_VERSION wins)
#   NUBO_INSTANCE          <revision>    context.log_stream_name
#   NUBO_TIMEOUT_MS        30000         deadline of an invocation = arrival + this
#   NUBO_RECYCLE_GRACE_MS  2000          an invocation still running this long after its deadline
#                                        ends the process with status 3
#   NUBO_MEMORY_MB         128           context.memory_limit_in_mb (AWS_LAMBDA_FUNCTION_MEMORY_SIZE wins)
#   AWS_REGION             us-east-1     the region in context.invoked_function_arn
#   NUBO_LAYERS            none          the function's layers, directories separated by ':' (see load_handler)
# -------------------------------------------------------------------------------------------------

class Config:
    __slots__ = ('port', 'handler', 'workdir', 'service', 'revision', 'instance', 'timeout_ms', 'grace_ms',
                 'memory_mb', 'region', 'layers')

    def __init__(self, env):
        self.port = _port(env.get('PORT'))
        self.handler = _required(env, 'NUBO_HANDLER', 'set it to `handler` from nubo.yaml, e.g. main.handler')
        self.workdir = os.path.abspath(env.get('NUBO_WORKDIR') or os.getcwd())
        self.service = env.get('AWS_LAMBDA_FUNCTION_NAME') or env.get('NUBO_SERVICE') or 'local'
        self.revision = env.get('AWS_LAMBDA_FUNCTION_VERSION') or env.get('NUBO_REVISION') or 'local'
        self.instance = env.get('NUBO_INSTANCE') or self.revision
        self.timeout_ms = _millis(env, 'NUBO_TIMEOUT_MS', 30000)
        self.grace_ms = _millis(env, 'NUBO_RECYCLE_GRACE_MS', 2000)
        memory = env.get('AWS_LAMBDA_FUNCTION_MEMORY_SIZE') or env.get('NUBO_MEMORY_MB') or '128'
        self.memory_mb = int(memory) if memory.strip().isdigit() else 128
        self.region = env.get('AWS_REGION') or 'us-east-1'
        self.layers = [layer for layer in (env.get('NUBO_LAYERS') or '').split(os.pathsep) if layer]


def _required(env, key, fix):
    value = (env.get(key) or '').strip()
    if not value:
        raise InitFailure(f'{key} is not set ({fix})')
    return value


def _port(value):
    if not value or not value.strip():
        raise InitFailure('PORT is not set (the platform sets it; to run the function by hand, set e.g. PORT=8080)')
    if value.strip().isdigit() and 1 <= int(value) <= 65535:
        return int(value)
    raise InitFailure(f"PORT must be a number from 1 to 65535, got '{value}'")


def _millis(env, key, default):
    value = (env.get(key) or '').strip()
    if not value:
        return default
    if not value.isdigit():
        raise InitFailure(f"{key} must be a whole number of milliseconds, got '{value}'")
    return int(value)


# -------------------------------------------------------------------------------------------------
# The watchdog: a daemon thread that ends the process with status 3 when an invocation runs past its
# deadline plus the grace, since a Python thread cannot be stopped from outside. Pure-Python loops
# give up the GIL every few milliseconds, so it gets to run even then.
# -------------------------------------------------------------------------------------------------

class Watchdog:

    def __init__(self):
        self._cond = threading.Condition(threading.Lock())
        self._running = {}  # token -> (request id, deadline, timeout ms)
        self._expiries = []  # heap of (deadline + grace, token); ended tokens are dropped lazily
        self._next = 0
        threading.Thread(target=self._watch, name='nubo-watchdog', daemon=True).start()

    def start(self, request_id, deadline, config):
        with self._cond:
            self._next += 1
            token = self._next
            self._running[token] = (request_id, deadline, config.timeout_ms)
            expiry = deadline + config.grace_ms / 1000
            if not self._expiries or expiry < self._expiries[0][0]:
                self._cond.notify()
            heapq.heappush(self._expiries, (expiry, token))
            return token

    def end(self, token):
        with self._cond:
            del self._running[token]

    def _watch(self):
        with self._cond:
            while True:
                while self._expiries and self._expiries[0][1] not in self._running:
                    heapq.heappop(self._expiries)
                if not self._expiries:
                    self._cond.wait()
                    continue
                expiry, token = self._expiries[0]
                now = time.monotonic()
                if now < expiry:
                    self._cond.wait(expiry - now)
                    continue
                request_id, deadline, timeout_ms = self._running[token]
                _write(2, f'nubo: invocation {request_id} still running {round((now - deadline) * 1000)} ms after'
                          f' its {timeout_ms} ms timeout; exiting so that Nubo replaces this instance\n')
                os._exit(3)


# -------------------------------------------------------------------------------------------------
# Loading the handler, as Lambda does: `pkg/main.handler` or `pkg.main.handler` → function `handler`
# of module pkg.main, with the code directory first on sys.path.
# -------------------------------------------------------------------------------------------------

def load_handler(config):
    spec = config.handler
    module_name, _, function_name = spec.replace('/', '.').rpartition('.')
    if not module_name or not function_name:
        raise InitFailure(f"handler '{spec}' is not of the form module.function (set handler in nubo.yaml to"
                          " e.g. main.handler, for def handler(event, context) in main.py)")
    file = module_name.replace('.', '/') + '.py'
    if sys.path[:1] != [config.workdir]:
        sys.path.insert(0, config.workdir)
    # The layers after the code, as Lambda's sys.path has /opt/python and its site-packages after
    # /var/task; a later layer first (in /opt its files would have replaced the earlier ones').
    version = f'python{sys.version_info.major}.{sys.version_info.minor}'
    layered = [d for layer in reversed(config.layers)
               for d in (os.path.join(layer, 'python'), os.path.join(layer, 'python', 'lib', version, 'site-packages'))]
    after = sys.path.index(config.workdir) + 1
    sys.path[after:after] = [d for d in layered if d not in sys.path]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (module_name == e.name or module_name.startswith(e.name + '.')):
            raise InitFailure(f'cannot find {file} in {config.workdir} (handler \'{spec}\' names that module:'
                              ' deploy it, or fix handler in nubo.yaml)') from None
        raise InitFailure(f'{file} cannot be loaded: {e} (deploy its dependencies with it, e.g.'
                          ' pip install -r requirements.txt -t . before nubo deploy)', e) from None
    except BaseException as e:  # SyntaxError, SystemExit, ... : anything its code raises at import
        raise InitFailure(f'{file} raised while loading: {type(e).__name__}: {_first_line(e)} (fix the error in'
                          f' {file}; its stack trace follows)', e) from None
    function = getattr(module, function_name, None)
    if function is None:
        defined = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith('_')
                         and getattr(v, '__module__', None) == module.__name__)
        has = f'defines {", ".join(defined)} but not' if defined else 'does not define'
        raise InitFailure(f"{file} {has} '{function_name}' (define it: def {function_name}(event, context): ...)")
    if not callable(function):
        raise InitFailure(f"'{function_name}' in {file} is a {type(function).__name__}, not a function"
                          f' (define it: def {function_name}(event, context): ...)')
    return function


def _first_line(e):
    return (str(e).splitlines() or [''])[0]


# -------------------------------------------------------------------------------------------------
# Invocations
# -------------------------------------------------------------------------------------------------

# The account in Lambda's ARNs: Nubo has none, so zeros.
ACCOUNT = '000000000000'

# The invocation the current thread runs (each runs on a thread of its own): its request id for log records.
_invocation = threading.local()


class _RequestId(logging.Filter):
    def filter(self, record):
        record.aws_request_id = getattr(_invocation, 'request_id', None) or ''
        return True


class _LambdaLogHandler(logging.Handler):
    """Writes each record in one write, every line tagged, so that concurrent invocations cannot interleave."""

    def emit(self, record):
        try:
            text = self.format(record)
            prefix = text[:text.index('\t', text.index('\t', text.index('\t') + 1) + 1) + 1]
            _write(1, text.replace('\n', '\n' + prefix) + '\n')
        except Exception:
            self.handleError(record)


def setup_logging():
    """The root logger as Lambda's Python runtime sets it up: a handler at INFO, every line
    `[LEVEL]\t<UTC time>\t<request id>\t<message>`, so that logger.info lines are kept and carry the request id."""
    formatter = logging.Formatter('[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s',
                                  '%Y-%m-%dT%H:%M:%S')
    formatter.converter = time.gmtime
    handler = _LambdaLogHandler()
    handler.setFormatter(formatter)
    handler.addFilter(_RequestId())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class LambdaContext:
    """The handler's second argument, shaped like Lambda's Python context object."""

    def __init__(self, request_id, deadline, config):
        self.aws_request_id = request_id
        self.function_name = config.service
        self.function_version = config.revision
        self.memory_limit_in_mb = config.memory_mb
        self.invoked_function_arn = f'arn:aws:lambda:{config.region}:{ACCOUNT}:function:{config.service}:{config.revision}'
        self.log_group_name = f'/nubo/{config.service}'
        self.log_stream_name = config.instance
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def log(self, message):
        sys.stdout.write(str(message))


class Tracker:
    """Counts requests from arrival until their response is written, for the drain on SIGTERM."""

    def __init__(self):
        self._cond = threading.Condition(threading.Lock())
        self._in_flight = 0
        self.draining = False

    def __enter__(self):
        with self._cond:
            self._in_flight += 1

    def __exit__(self, *exc):
        with self._cond:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._cond.notify_all()

    def wait_idle(self, seconds):
        with self._cond:
            self._cond.wait_for(lambda: self._in_flight == 0, seconds)


def handler_class(function, config, watchdog, tracker):
    """Every method on every path is an invocation of `function`."""

    class Invocation(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'  # keep-alive
        timeout = IDLE_CONNECTION_SECONDS
        wbufsize = 1 << 16  # status line, headers and a small body leave in one write

        def __getattr__(self, name):
            if name.startswith('do_'):
                return self.invoke
            raise AttributeError(name)

        def version_string(self):
            return 'nubo'

        def log_message(self, format, *args):
            pass  # no access log: the gateway keeps one

        def invoke(self):
            with tracker:
                self._invoke()
                self.wfile.flush()

        def _invoke(self):
            arrival = time.monotonic()
            arrival_wall = time.time()
            request_id = (self.headers.get('X-Request-Id') or '').strip() or os.urandom(8).hex()
            source = _source(self.headers.get(EVENT_HEADER))
            body = self._body()
            if source == 'direct':
                try:
                    text = body.decode('utf-8')
                    event = json.loads(text) if text.strip() else {}
                except (ValueError, UnicodeDecodeError) as e:
                    self._send(400, _error_body('InvalidInput', f'request body is not valid JSON: {e}'))
                    return
            elif source == 'cloudevent':
                event = _cloud_event(self.headers, body)
            else:
                event = _http_event(self, body, request_id, config, arrival_wall)
            deadline = arrival + config.timeout_ms / 1000
            token = watchdog.start(request_id, deadline, config)
            # Lambda sets it per invocation; with invocations running at once, another thread may read a later one's.
            os.environ['_X_AMZN_TRACE_ID'] = _xray_trace(self.headers.get('traceparent'), arrival_wall)
            _invocation.request_id = request_id
            try:
                result = function(event, LambdaContext(request_id, deadline, config))
            except BaseException as e:  # SystemExit too: one invocation must not end the others
                _log(request_id, f'nubo: {config.handler} failed: {_trace(e)}')
                failure = {'errorMessage': str(e), 'errorType': type(e).__name__}
                if source != 'http':
                    failure['requestId'] = request_id
                    failure['stackTrace'] = traceback.format_list(traceback.extract_tb(_user_traceback(e)))
                self._send(500, json.dumps(failure, separators=(',', ':')))
                return
            finally:
                _invocation.request_id = None
                watchdog.end(token)
            if source == 'http' and isinstance(result, dict) and 'statusCode' in result:
                self._answer(result, request_id)
                return
            if source == 'http' and isinstance(result, str):
                self._send(200, result)
                return
            try:
                body = json.dumps(result, separators=(',', ':'), allow_nan=False, default=_decimal)
            except (TypeError, ValueError, RecursionError) as e:
                message = (f'the result of {config.handler} cannot be encoded as JSON: {e} (return a dict, a list,'
                           ' a str, a number, a bool or None)')
                _log(request_id, f'nubo: {message}')
                self._send(500, _error_body('InvalidOutput', message))
                return
            self._send(200, body)

        def _answer(self, result, request_id):
            """A {statusCode, headers, cookies, body} answer as API Gateway maps it to an HTTP response."""
            try:
                status = int(result.get('statusCode'))
                if not 100 <= status <= 599:
                    raise ValueError(status)
            except (TypeError, ValueError):
                message = (f"{config.handler} answered statusCode {result.get('statusCode')!r}, which is not an HTTP status"
                           ' (return a number from 100 to 599)')
                _log(request_id, f'nubo: {message}')
                self._send(500, _error_body('InvalidResponse', message))
                return
            headers = []
            for name, values in (result.get('multiValueHeaders') or {}).items():
                headers += [(str(name), str(v)) for v in (values if isinstance(values, list) else [values])]
            for name, value in (result.get('headers') or {}).items():
                if value is not None:
                    headers = [h for h in headers if h[0].lower() != str(name).lower()] + [(str(name), str(value))]
            headers += [('Set-Cookie', str(c)) for c in (result.get('cookies') or [])]
            body = result.get('body')
            data = b''
            if isinstance(body, str):
                data = base64.b64decode(body) if result.get('isBase64Encoded') else body.encode('utf-8')
            if any('\r' in n or '\n' in n or '\r' in v or '\n' in v for n, v in headers):
                message = f'{config.handler} answered headers that cannot be sent (a line break in a name or value)'
                _log(request_id, f'nubo: {message}')
                self._send(500, _error_body('InvalidResponse', message))
                return
            if data and not any(n.lower() == 'content-type' for n, _ in headers):
                headers.append(('Content-Type', 'application/json'))
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ('content-length', 'transfer-encoding', 'connection'):
                    self.send_header(name, value)
            self.send_header('Content-Length', str(len(data)))
            if tracker.draining:
                self.send_header('Connection', 'close')
                self.close_connection = True
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(data)

        def _body(self):
            if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b';', 1)[0].strip() or b'0', 16)
                    if size == 0:
                        while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                            pass  # trailers
                        return b''.join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get('Content-Length') or 0)
            return self.rfile.read(length) if length > 0 else b''

        def _send(self, status, body):
            data = body.encode('utf-8')
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            if tracker.draining:
                self.send_header('Connection', 'close')
                self.close_connection = True
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(data)

    return Invocation


def _decimal(value):
    """DynamoDB hands out Decimals; Lambda's runtime encodes them as numbers, so do we."""
    if type(value).__name__ == 'Decimal':
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f'Object of type {type(value).__name__} is not JSON serializable')


def _error_body(type_name, message):
    """A failure the runtime answers for the handler, in Lambda's shape."""
    return json.dumps({'errorMessage': message, 'errorType': type_name}, separators=(',', ':'))


# -------------------------------------------------------------------------------------------------
# Lambda's events: what the handler gets for each source, as the Java host and the Node runtime build
# them too (docs/LAMBDA.md). The server says where a request comes from in Nubo-Event (the gateway
# takes it off requests from outside): `direct` (nubo invoke, asynchronous invocations: the body is
# the event), `cloudevent` (a trigger's delivery: the whole CloudEvent), or none (a request to the
# service's URL: API Gateway's HTTP event, payload format 2.0, and the result mapped back).
# -------------------------------------------------------------------------------------------------

EVENT_HEADER = 'Nubo-Event'
_MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')


def _source(header):
    return header if header in ('direct', 'cloudevent') else 'http'


def _http_event(request, body, request_id, config, arrival):
    """API Gateway's payload format 2.0 event for an HTTP request."""
    headers = {}
    cookies = []
    for name, value in request.headers.items():
        name = name.lower()
        if name == 'cookie':
            cookies += [c for c in value.split(';') if c.strip()]
        elif name != EVENT_HEADER.lower():
            headers[name] = f'{headers[name]},{value}' if name in headers else value
    cookies = [c.strip() for c in cookies]
    raw_path, _, raw_query = request.path.partition('?')
    domain = re.sub(r':\d+$', '', headers.get('host') or config.service)
    forwarded = (headers.get('x-forwarded-for') or '').split(',')
    t = time.gmtime(arrival)
    event = {
        'version': '2.0',
        'routeKey': '$default',
        'rawPath': raw_path,
        'rawQueryString': raw_query,
    }
    if cookies:
        event['cookies'] = cookies
    event['headers'] = headers
    if raw_query:
        parameters = {}
        for name, value in urllib.parse.parse_qsl(raw_query, keep_blank_values=True):
            parameters[name] = f'{parameters[name]},{value}' if name in parameters else value
        event['queryStringParameters'] = parameters
    event['requestContext'] = {
        'accountId': ACCOUNT,
        'apiId': config.service,
        'domainName': domain,
        'domainPrefix': domain.split('.')[0],
        'http': {
            'method': request.command,
            'path': raw_path,
            'protocol': request.request_version,
            'sourceIp': forwarded[-1].strip() or '127.0.0.1',
            'userAgent': headers.get('user-agent', ''),
        },
        'requestId': request_id,
        'routeKey': '$default',
        'stage': '$default',
        'time': f'{t.tm_mday:02d}/{_MONTHS[t.tm_mon - 1]}/{t.tm_year}:{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000',
        'timeEpoch': int(arrival * 1000),
    }
    event['isBase64Encoded'] = False
    if body:
        text = _is_text(headers.get('content-type', ''), body)
        event['body'] = body.decode('utf-8') if text else base64.b64encode(body).decode('ascii')
        event['isBase64Encoded'] = not text
    return event


def _is_text(content_type, body):
    """Text types arrive as a string, as API Gateway sends them; others base64. No type: text if valid UTF-8."""
    media = content_type.split(';')[0].strip().lower()
    if not media:
        return _is_utf8(body)
    return (media.startswith('text/') or media.endswith(('/json', '+json', '/xml', '+xml'))
            or media == 'application/javascript') and _is_utf8(body)


def _is_utf8(body):
    try:
        body.decode('utf-8')
        return True
    except UnicodeDecodeError:
        return False


def _cloud_event(headers, body):
    """A CloudEvent in binary mode as the one JSON object of the JSON format: the whole envelope."""
    content_type = headers.get('Content-Type') or ''
    if content_type.lower().startswith('application/cloudevents+json'):
        return json.loads(body)
    event = {}
    for name, value in headers.items():
        if name.lower().startswith('ce-'):
            event[name[3:].lower()] = _percent_decode(value)
    if content_type:
        event['datacontenttype'] = content_type
    if body:
        media = content_type.split(';')[0].strip().lower()
        try:
            if media and not media.endswith(('/json', '+json')):
                raise ValueError('not JSON')
            event['data'] = json.loads(body)
        except ValueError:
            if _is_text(content_type, body):
                event['data'] = body.decode('utf-8')
            else:
                event['data_base64'] = base64.b64encode(body).decode('ascii')
    return event


def _percent_decode(value):
    """The HTTP binding's decoding of a ce-* value: %XX are UTF-8 bytes; a '%' that starts no escape stays."""
    raw = value.encode('utf-8', 'surrogateescape')
    out = bytearray()
    i = 0
    while i < len(raw):
        hex_digits = raw[i + 1:i + 3]
        if raw[i] == 0x25 and len(hex_digits) == 2 and all(c in b'0123456789abcdefABCDEF' for c in hex_digits):
            out.append(int(hex_digits, 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode('utf-8', 'replace')


def _xray_trace(traceparent, arrival):
    """The X-Ray trace header of an invocation from the W3C traceparent the gateway sends; a new unsampled one without."""
    parts = (traceparent or '').split('-')
    if (len(parts) == 4 and parts[0] == '00' and len(parts[1]) == 32 and len(parts[2]) == 16 and len(parts[3]) == 2
            and all(c in '0123456789abcdef' for c in ''.join(parts[1:])) and parts[1].strip('0') and parts[2].strip('0')):
        return f'Root=1-{parts[1][:8]}-{parts[1][8:]};Parent={parts[2]};Sampled={int(parts[3], 16) & 1}'
    return f'Root=1-{int(arrival):08x}-{os.urandom(12).hex()};Parent={os.urandom(8).hex()};Sampled=0'


_IMPORTLIB = os.path.dirname(importlib.__file__) + os.sep


def _trace(e):
    """The traceback from the user's first frame on: this file's and importlib's frames are noise to them."""
    return ''.join(traceback.format_exception(type(e), e, _user_traceback(e)))


def _user_traceback(e):
    tb = e.__traceback__
    while tb and (tb.tb_frame.f_code.co_filename == __file__ or tb.tb_frame.f_code.co_filename.startswith(('<frozen', _IMPORTLIB))):
        tb = tb.tb_next
    return tb


def _log(request_id, text):
    """One write per entry, every line tagged, so that concurrent invocations cannot interleave inside it."""
    prefix = f'[{request_id}] '
    _write(2, prefix + text.rstrip('\n').replace('\n', '\n' + prefix) + '\n')


def _write(fd, text):
    data = text.encode('utf-8', 'replace')
    while data:
        data = data[os.write(fd, data):]


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = BACKLOG
    daemon_threads = True

    def server_bind(self):
        # HTTPServer.server_bind resolves the host's name, which can take seconds without DNS.
        http.server.socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def get_request(self):
        conn, address = super().get_request()
        # Nagle's algorithm would hold back a response sent in more than one write until an ACK.
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, address


# -------------------------------------------------------------------------------------------------
# Start: fresh, or pooled (warm up, wait for the message, specialise, then as fresh)
# -------------------------------------------------------------------------------------------------

def serve(watchdog):
    config = Config(os.environ)
    function = load_handler(config)
    tracker = Tracker()
    try:
        # Loopback only: on all interfaces anyone who reaches the machine would call the function past
        # the gateway's limits and timeouts.
        server = Server(('127.0.0.1', config.port), handler_class(function, config, watchdog, tracker))
    except OSError as e:
        busy = ' (another process holds it; give the function a free PORT)' if e.errno == 98 else ''
        raise InitFailure(f'cannot listen on port {config.port}: {e.strerror or e}{busy}') from None

    def drain():
        # No new connections; running invocations finish, for at most the timeout (the gateway has
        # answered 504 by then), and the watchdog still recycles one that runs longer.
        server.shutdown()
        server.server_close()
        tracker.wait_idle(config.timeout_ms / 1000)
        os._exit(0)

    def on_sigterm(*_):
        if not tracker.draining:
            tracker.draining = True
            threading.Thread(target=drain, name='nubo-drain').start()

    signal.signal(signal.SIGTERM, on_sigterm)
    return config, server


def warm_up(watchdog):
    """A module import and requests through the whole serving stack on a loopback port, so that
    specialisation and the first real request find it all loaded."""
    directory = tempfile.mkdtemp(prefix='nubo-python-warm-')
    try:
        with open(os.path.join(directory, 'nubo_warm_up.py'), 'w') as f:
            f.write('def handler(event, context):\n    return {"event": event, "left": context.get_remaining_time_in_millis()}\n')
        config = Config({'PORT': '1', 'NUBO_HANDLER': 'nubo_warm_up.handler', 'NUBO_WORKDIR': directory})
        function = load_handler(config)
    finally:
        sys.path.remove(directory)
        sys.path_importer_cache.pop(directory, None)
        sys.modules.pop('nubo_warm_up', None)
        shutil.rmtree(directory, ignore_errors=True)
    server = Server(('127.0.0.1', 0), handler_class(function, config, watchdog, Tracker()))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        connection = http.client.HTTPConnection('127.0.0.1', server.server_port, timeout=10)
        for body, source in ((b'{"warm":[1,2.5,"up",true,null]}', None), (b'{"warm":1}', 'direct'),
                             (b'{not json', 'direct'), (b'{"warm":1}', 'cloudevent')):
            headers = {'Content-Type': 'application/json', 'X-Request-Id': 'warm-up', 'ce-specversion': '1.0',
                       'ce-id': 'w', 'ce-source': '/warm%20up', 'ce-type': 'warm'}
            if source:
                headers[EVENT_HEADER] = source
            connection.request('POST', '/warm?up=1', body, headers)
            json.loads(connection.getresponse().read())
        connection.close()
    finally:
        server.shutdown()
        server.server_close()


def read_message(fd=0):
    """The message's entries, or None on EOF before the empty entry that ends it."""
    data = b''
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return None
        start = max(0, len(data) - 1)
        data += chunk
        i = data.find(b'\0', start)
        while i != -1:
            if i == 0 or data[i - 1] == 0:
                entries = []
                for entry in data[:i].split(b'\0')[:-1] if i else []:
                    name, eq, value = entry.decode('utf-8', 'surrogateescape').partition('=')
                    if name and eq:
                        entries.append((name, value))
                return entries
            i = data.find(b'\0', i + 1)


def specialise(entries):
    os.environ.pop('NUBO_POOL', None)  # a fresh start does not have it
    for name, value in entries:
        os.environ[name] = value
    workdir = os.environ.get('NUBO_WORKDIR')
    if not workdir:
        raise InitFailure('the specialisation message has no NUBO_WORKDIR (this is a bug in Nubo)')
    try:
        os.chdir(workdir)
    except OSError as e:
        raise InitFailure(f"cannot change to the function's directory {workdir}: {e} (this is a bug in Nubo)") from None


def main():
    # The script's own directory is not the function's: user modules are found in NUBO_WORKDIR.
    if sys.path and os.path.abspath(sys.path[0] or '.') == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # until serving: nothing to drain
    setup_logging()
    watchdog = Watchdog()
    try:
        if os.environ.get('NUBO_POOL') != '1':
            config, server = serve(watchdog)
            print(f'nubo: {config.handler} ready on port {config.port} in {(time.monotonic() - STARTED) * 1000:.0f} ms',
                  flush=True)
        else:
            warm_up(watchdog)
            warmed = time.monotonic()
            print(f'nubo: pooled python warmed up in {(warmed - STARTED) * 1000:.0f} ms', flush=True)
            entries = read_message()
            if entries is None:
                os._exit(0)  # the pool is closing
            received = time.monotonic()
            specialise(entries)
            config, server = serve(watchdog)
            print(f'nubo: specialised as {config.service}/{config.revision} in {(time.monotonic() - received) * 1000:.1f} ms'
                  f' (pooled, warmed {received - warmed:.1f} s ago)', flush=True)
    except InitFailure as e:
        _write(2, f'nubo: {e}\n{_trace(e.user_error) if e.user_error else ""}')
        os._exit(1)
    except BaseException as e:
        _write(2, f'nubo: the Python runtime failed to start: {type(e).__name__}: {e} (this is a bug in Nubo: please'
                  f' report it with this stack trace)\n{traceback.format_exc()}')
        os._exit(1)
    server.serve_forever()
    threading.Event().wait()  # serve_forever returns on SIGTERM; the drain thread ends the process


if __name__ == '__main__':
    main()
