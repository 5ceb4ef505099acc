// The producer of bench/events.sh: sends CloudEvents to a Nubo broker's ingest endpoint, or the
// same requests straight to a service through the gateway (the reference), over keep-alive
// connections, bounded in count and time. Prints one JSON line of results. Node's standard library only.
//
//   node bench/events-load.js send --url URL [--host HOST] [--token-file F] [--batch B]
//        (--concurrency C | --rate R) [--total N] [--seconds S] [--label L]
//   node bench/events-load.js stats URL...   merged /stats of bench/apps/event-sink instances
//   node bench/events-load.js reset URL...   POST /reset to each
//
//   --url          http://127.0.0.1:P/v1/brokers/default/events (ingest) or http://127.0.0.1:P/ (gateway)
//   --host         Host header (e.g. event-sink.localhost for the gateway)
//   --token-file   bearer token for the control API
//   --batch B      events per request: 1 sends one event in binary mode (ce-* headers, body = data),
//                  more send a JSON array (application/cloudevents-batch+json) [1]
//   --concurrency  closed loop: C requests in flight, each sent when one is answered
//   --rate R       open loop: R events/s on a schedule, whatever the answers' pace (at most
//                  --max-outstanding [2048] requests in flight; the events of a request that would
//                  exceed it are counted as `skipped`, not sent)
//   --total N      stop after N events [1000000];  --seconds S  stop sending after S s [30]
//   --timeout S    a request without an answer after S s [30] is an error
//
// Every event has a fresh id, type bench.event, source /bench/LABEL and `time` set just before its
// request is written, with microseconds (RFC 3339), from the same wall clock the sink reads.
// A request counts as acknowledged on 2xx; its events count as acked ({"accepted":N} from a broker,
// else the batch size). Anything else, or a socket error or timeout, counts as an error.
'use strict';
const http = require('http');
const fs = require('fs');
const { performance } = require('perf_hooks');

function args(argv) {
  if (argv.length === 0) throw new Error('usage: events-load.js send --url URL ... | stats URL... | reset URL...');
  const o = { batch: 1, total: 1_000_000, seconds: 30, label: 'load', 'max-outstanding': 2048, timeout: 30 };
  if (argv[0] !== 'send') throw new Error(`unknown command ${argv[0]}`);
  argv = argv.slice(1);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    o[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['batch', 'total', 'seconds', 'concurrency', 'rate', 'max-outstanding', 'timeout']) {
    if (o[k] !== undefined) o[k] = Number(o[k]);
  }
  if (!o.url) throw new Error('--url is required');
  if (!o.concurrency === !o.rate) throw new Error('give one of --concurrency and --rate');
  return o;
}

const command = process.argv[2];
if (command === 'stats' || command === 'reset') {
  sinks(command, process.argv.slice(3)).catch((e) => { console.error(e.message); process.exit(1); });
  return;
}
let opt;
try {
  opt = args(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(2);
}
const url = new URL(opt.url);
const token = opt['token-file'] ? fs.readFileSync(opt['token-file'], 'utf8').trim() : '';
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.concurrency || opt['max-outstanding'], scheduling: 'fifo' });
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const source = `/bench/${opt.label}`;
const prefix = `${opt.label}-${process.pid}-`;

function rfc3339(us) {
  const iso = new Date(Math.floor(us / 1000)).toISOString(); // 2026-01-01T00:00:00.123Z
  return iso.slice(0, 23) + String(Math.floor(us % 1000)).padStart(3, '0') + 'Z';
}

let seq = 0;
// One request: its headers and body, its events stamped now.
function build(n) {
  const time = rfc3339(nowUs());
  const headers = { host: opt.host || url.host };
  if (token) headers.authorization = `Bearer ${token}`;
  let body;
  if (n === 1) {
    const id = prefix + seq++;
    Object.assign(headers, {
      'ce-specversion': '1.0', 'ce-id': id, 'ce-source': source, 'ce-type': 'bench.event', 'ce-time': time,
      'content-type': 'application/json',
    });
    body = `{"n":${seq}}`;
  } else {
    const events = [];
    for (let i = 0; i < n; i++) {
      const id = prefix + seq++;
      events.push(`{"specversion":"1.0","id":"${id}","source":"${source}","type":"bench.event","time":"${time}",`
        + `"datacontenttype":"application/json","data":{"n":${seq}}}`);
    }
    headers['content-type'] = 'application/cloudevents-batch+json';
    body = `[${events.join(',')}]`;
  }
  headers['content-length'] = Buffer.byteLength(body);
  return { headers, body };
}

const res = { label: opt.label, requests: 0, sent: 0, acked: 0, errors: 0, skipped: 0, firstSendMs: 0, lastAckMs: 0, errorSamples: [] };
const rtts = []; // ms per answered request
let outstanding = 0;

function error(what) {
  res.errors++;
  if (res.errorSamples.length < 5) res.errorSamples.push(what);
}

function send(n) {
  return new Promise((resolve) => {
    const { headers, body } = build(n);
    const t0 = nowUs();
    if (res.firstSendMs === 0) res.firstSendMs = t0 / 1000;
    res.requests++;
    res.sent += n;
    outstanding++;
    const done = () => { outstanding--; resolve(); };
    const req = http.request({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => {
          const t1 = nowUs();
          rtts.push((t1 - t0) / 1000);
          if (r.statusCode >= 200 && r.statusCode < 300) {
            let accepted = n;
            const text = Buffer.concat(chunks).toString();
            if (text) {
              try { accepted = JSON.parse(text).accepted ?? n; } catch { /* the gateway's answer is not JSON */ }
            }
            res.acked += accepted;
            if (accepted !== n) error(`accepted ${accepted} of ${n}`);
            res.lastAckMs = t1 / 1000;
          } else {
            error(`HTTP ${r.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
          }
          done();
        });
        r.on('error', (e) => { error(e.message); done(); });
      });
    req.setTimeout(opt.timeout * 1000, () => req.destroy(new Error(`no answer within ${opt.timeout} s`)));
    req.on('error', (e) => { error(e.message); done(); });
    req.end(body);
  });
}

async function closedLoop(deadline) {
  const worker = async () => {
    while (res.sent < opt.total && performance.now() < deadline) {
      await send(Math.min(opt.batch, opt.total - res.sent));
    }
  };
  await Promise.all(Array.from({ length: opt.concurrency }, worker));
}

// Sends what the schedule says is due every millisecond, so that the rate holds whatever the answers do.
function openLoop(deadline) {
  return new Promise((resolve) => {
    const start = performance.now();
    let due = 0; // events scheduled so far
    const tick = () => {
      const now = performance.now();
      const target = Math.min(opt.total, Math.floor(((now - start) / 1000) * opt.rate));
      while (due + opt.batch <= target || (target === opt.total && due < target)) {
        const n = Math.min(opt.batch, opt.total - due);
        due += n;
        if (outstanding >= opt['max-outstanding']) res.skipped += n;
        else send(n);
      }
      if (due < opt.total && now < deadline) setTimeout(tick, 1);
      else {
        const wait = () => (outstanding === 0 || performance.now() > deadline + opt.timeout * 1000 ? resolve() : setTimeout(wait, 5));
        wait();
      }
    };
    tick();
  });
}

function pct(sorted, q) {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 1000) / 1000;
}

function fetch(method, target) {
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, timeout: 10_000 }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => (r.statusCode === 200 ? resolve(Buffer.concat(chunks).toString())
        : reject(new Error(`${method} ${target}: HTTP ${r.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${target}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

// The sinks' counts and histograms added up, and percentiles of the sum (bucket upper bounds, 10 µs wide).
async function sinks(cmd, bases) {
  if (cmd === 'reset') {
    await Promise.all(bases.map((b) => fetch('POST', `${b}/reset`)));
    return;
  }
  const all = await Promise.all(bases.map(async (b) => JSON.parse(await fetch('GET', `${b}/stats?hist=1`))));
  const sum = (k) => all.reduce((a, s) => a + s[k], 0);
  const count = sum('count');
  const timed = count - sum('untimed');
  const merged = new Map();
  for (const s of all) for (const [us, n] of s.hist) merged.set(us, (merged.get(us) || 0) + n);
  const buckets = [...merged].sort((a, b) => a[0] - b[0]);
  const at = (q) => {
    let seen = 0;
    const rank = Math.ceil(q * timed);
    for (const [us, n] of buckets) if ((seen += n) >= rank) return us / 1000;
    return null;
  };
  const live = all.filter((s) => s.count > 0 && s.min !== null);
  const out = {
    count, unique: sum('unique'), untimed: sum('untimed'), perInstance: all.map((s) => s.count),
    min: live.length ? Math.min(...live.map((s) => s.min)) : null,
    p50: timed ? at(0.5) : null, p90: timed ? at(0.9) : null, p99: timed ? at(0.99) : null,
    max: live.length ? Math.max(...live.map((s) => s.max)) : null,
    mean: timed ? Math.round(live.reduce((a, s) => a + s.mean * (s.count - s.untimed), 0) / timed * 1000) / 1000 : null,
    firstAt: live.length ? Math.min(...live.map((s) => s.firstAt)) : 0,
    lastAt: live.length ? Math.max(...live.map((s) => s.lastAt)) : 0,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

(async () => {
  const began = performance.now();
  const deadline = began + opt.seconds * 1000;
  if (opt.concurrency) await closedLoop(deadline);
  else await openLoop(deadline);
  const seconds = res.lastAckMs > 0 ? (res.lastAckMs - res.firstSendMs) / 1000 : 0;
  rtts.sort((a, b) => a - b);
  Object.assign(res, {
    seconds: Math.round(seconds * 1000) / 1000,
    ackedPerSec: seconds > 0 ? Math.round(res.acked / seconds) : 0,
    rttP50: pct(rtts, 0.5), rttP90: pct(rtts, 0.9), rttP99: pct(rtts, 0.99), rttMax: pct(rtts, 1),
    unanswered: res.requests - rtts.length,
  });
  const cpu = process.cpuUsage();
  res.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  if (res.errorSamples.length === 0) delete res.errorSamples;
  agent.destroy();
  process.stdout.write(JSON.stringify(res) + '\n');
})().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
