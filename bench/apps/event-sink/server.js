// The trivial service of bench/events.sh: answers 204 at once to every POST (a CloudEvent in binary
// mode from a trigger, or the same request sent straight through the gateway), and keeps in memory
// how many it got and how late each was: receive time minus the event's `time` attribute (ce-time,
// set by the producer when it sent the event, on the same machine's clock). Node's http module only.
//
//   GET  /stats    {count, unique, untimed, min, p50, p90, p99, max, mean (ms), firstAt, lastAt (epoch ms)};
//                  with ?hist=1 also hist: [[bucket's upper bound in µs, count], ...] (the non-empty
//                  buckets), which bench/events-load.js merges across instances
//   POST /reset    forgets everything
//   GET  /healthz  readiness
const http = require('http');
const { performance } = require('perf_hooks');

const port = Number(process.env.PORT || 3000);
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;

// Latency histogram in microseconds: 10 µs buckets up to 1 s, then 1 ms buckets up to 120 s.
const FINE = 100_000;
const COARSE = 119_000;
let hist, count, untimed, sumUs, minUs, maxUs, firstAt, lastAt, ids;
function reset() {
  hist = new Uint32Array(FINE + COARSE + 1);
  count = 0; untimed = 0; sumUs = 0; minUs = Infinity; maxUs = 0; firstAt = 0; lastAt = 0;
  ids = new Set();
}
reset();

function bucket(us) {
  if (us < 0) us = 0;
  if (us < 1e6) return Math.floor(us / 10);
  return Math.min(FINE + Math.floor((us - 1e6) / 1000), FINE + COARSE);
}
function upperUs(b) { return b < FINE ? (b + 1) * 10 : 1e6 + (b - FINE + 1) * 1000; }

// RFC 3339 with any number of fraction digits, in epoch microseconds (Date.parse keeps only ms).
const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i;
function timeUs(s) {
  const m = TIME.exec(s || '');
  if (!m) return NaN;
  return Date.parse(m[1] + m[3]) * 1000 + Number(((m[2] || '') + '000000').slice(0, 6));
}

function record(req, at) {
  count++;
  if (firstAt === 0) firstAt = at;
  lastAt = at;
  const id = req.headers['ce-id'];
  if (id !== undefined) ids.add(id);
  const sent = timeUs(req.headers['ce-time']);
  if (Number.isNaN(sent)) { untimed++; return; }
  const us = at - sent;
  hist[bucket(us)]++;
  sumUs += us;
  if (us < minUs) minUs = us;
  if (us > maxUs) maxUs = us;
}

function stats(withHist) {
  const timed = count - untimed;
  const at = (q) => {
    if (timed === 0) return null;
    const rank = Math.ceil(q * timed);
    let seen = 0;
    for (let b = 0; b < hist.length; b++) {
      seen += hist[b];
      if (seen >= rank) return upperUs(b) / 1000;
    }
    return maxUs / 1000;
  };
  const ms = (us) => Math.round(us) / 1000;
  return {
    count, unique: ids.size, untimed,
    min: timed ? ms(minUs) : null, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: timed ? ms(maxUs) : null,
    mean: timed ? ms(sumUs / timed) : null,
    firstAt: firstAt / 1000, lastAt: lastAt / 1000,
    ...(withHist ? { hist: nonEmpty() } : {}),
  };
}

function nonEmpty() {
  const out = [];
  for (let b = 0; b < hist.length; b++) if (hist[b]) out.push([upperUs(b), hist[b]]);
  return out;
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url !== '/reset') {
    record(req, nowUs());
    res.writeHead(204);
    res.end();
    req.resume(); // the event's data is not needed, but must be read for the connection to be reused
    return;
  }
  if (req.url.startsWith('/stats')) {
    const body = JSON.stringify(stats(req.url.includes('hist=1')));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    return res.end(body);
  }
  if (req.url === '/reset') reset();
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok\n');
  req.resume();
});
// Longer than the gateway's pool keeps an idle connection, so that Node never closes one under it.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
process.on('SIGTERM', () => { server.close(() => process.exit(0)); server.closeIdleConnections(); });
server.listen(port, '127.0.0.1', () => console.log(`event-sink listening on ${port}`));
