// A service's live charts: requests per second by status class, latency p50/p99, instances and cold
// starts, as small SVG sparklines. The API gives running totals (GET /v1/services/NAME/metrics); each
// point is the difference between two reads, as `nubo top` takes it between two scrapes.
import {encode, get} from './api.js';
import {every, h, problem, show} from './dom.js';

const EVERY_MS = 3000;
const POINTS = 40; // two minutes at one read every 3 s
const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export function liveCharts(name, signal) {
  // data-reads and data-requests say what the charts hold, for a test (or a curious user) to wait on.
  const box = h('div', {class: 'charts', id: 'charts', 'data-reads': 0, 'data-requests': 0});
  const status = h('div', {role: 'status'});
  const points = [];
  let before = null;
  let pending = false;
  const read = async () => {
    if (pending) return; // a slow answer is not overtaken by the next read
    pending = true;
    try {
      const now = {at: performance.now(), totals: sum(await get('/v1/services/' + encode(name) + '/metrics', signal))};
      if (before) {
        points.push(point(before, now));
        if (points.length > POINTS) points.shift();
      }
      before = now;
      box.dataset.reads = Number(box.dataset.reads) + 1;
      show(status);
      draw(box, points);
    } catch (e) {
      if (!signal.aborted) show(status, problem(e));
    } finally {
      pending = false;
    }
  };
  draw(box, points);
  every(EVERY_MS, signal, read);
  return h('div', {}, box, status,
    h('p', {class: 'help'}, 'Read every 3 s; latency is the bound of the histogram bucket the quantile falls in.'));
}

/** The routed revisions' totals added up: the service as a whole. */
function sum(live) {
  const t = {requests: {}, answered: 0, latency: new Map(), coldStarts: 0, ready: 0, desired: 0, held: 0};
  for (const r of live.revisions) {
    for (const [c, n] of Object.entries(r.requests)) t.requests[c] = (t.requests[c] ?? 0) + n;
    t.answered += r.answered;
    for (const b of r.latency) t.latency.set(b.le, (t.latency.get(b.le) ?? 0) + b.count);
    t.coldStarts += r.coldStarts;
    t.ready += r.instances.ready ?? 0;
    t.desired += r.desired;
    t.held += r.held;
  }
  return t;
}

/** What happened between two reads. Totals restart at zero with the server: a drop counts as nothing. */
function point(a, b) {
  const seconds = Math.max(b.at - a.at, 1) / 1000;
  const grew = (x, y) => Math.max((y ?? 0) - (x ?? 0), 0);
  const rps = Object.fromEntries(CLASSES.map(c => [c, grew(a.totals.requests[c], b.totals.requests[c]) / seconds]));
  const answered = grew(a.totals.answered, b.totals.answered);
  const quantile = q => {
    if (answered === 0) return null;
    for (const [le, n] of [...b.totals.latency].sort(([x], [y]) => x - y)) {
      if (grew(a.totals.latency.get(le), n) >= q * answered) return le * 1000;
    }
    return 30000; // beyond the last bucket
  };
  return {rps, answered, p50: quantile(0.5), p99: quantile(0.99), ready: b.totals.ready, desired: b.totals.desired,
    held: b.totals.held, coldStarts: grew(a.totals.coldStarts, b.totals.coldStarts)};
}

function draw(box, points) {
  const last = points.at(-1);
  const classes = CLASSES.filter(c => c === '2xx' || points.some(p => p.rps[c] > 0));
  const requests = points.reduce((n, p) => n + p.answered, 0);
  box.dataset.requests = requests;
  const rate = n => (n ?? 0).toFixed(n >= 10 ? 0 : 1);
  const ms = n => n === null || n === undefined ? '—' : '≤' + (n >= 1000 ? n / 1000 + ' s' : n + ' ms');
  show(box,
    chart('requests', 'Requests/s', classes.map(c => ({name: c, cls: 'c' + c, values: points.map(p => p.rps[c])})),
      last ? classes.map(c => c + ' ' + rate(last.rps[c])).join(' · ') + ' (' + requests + ' in view)' : 'waiting for a second read'),
    chart('latency', 'Latency p50 / p99', [
      {name: 'p50', cls: 'p50', values: points.map(p => p.p50)},
      {name: 'p99', cls: 'p99', values: points.map(p => p.p99)}],
      last ? 'p50 ' + ms(last.p50) + ' · p99 ' + ms(last.p99) : '—'),
    chart('instances', 'Instances', [
      {name: 'ready', cls: 'ready', values: points.map(p => p.ready)},
      {name: 'desired', cls: 'desired', values: points.map(p => p.desired)}],
      last ? last.ready + ' ready of ' + last.desired + ' desired' + (last.held ? ', ' + last.held + ' held' : '') : '—'),
    chart('cold-starts', 'Cold starts', [{name: 'cold starts', cls: 'cold', values: points.map(p => p.coldStarts)}],
      points.reduce((n, p) => n + p.coldStarts, 0) + ' in view'));
}

const W = 240;
const H = 48;

/** One sparkline: a line per series over the same scale (from 0 to the highest value shown), newest right. */
function chart(id, title, series, figure) {
  const top = Math.max(1e-9, ...series.flatMap(s => s.values.filter(v => v !== null)));
  const x = i => (3 + (W - 6) * (POINTS - 1 - (series[0].values.length - 1 - i)) / (POINTS - 1)).toFixed(1);  // dots stay inside
  const y = v => (H - 3 - (H - 6) * v / top).toFixed(1);
  const lines = series.map(s => {
    const d = s.values.map((v, i) => v === null ? null : (x(i) + ',' + y(v))).filter(Boolean);
    const last = s.values.at(-1);
    // The newest value as a dot too: a line needs two points, and the first read has one.
    return d.length ? [h('polyline', {class: 'line ' + s.cls, points: d.join(' ')}),
      last === null || last === undefined ? null : h('circle', {class: 'dot ' + s.cls, cx: x(s.values.length - 1), cy: y(last), r: 2.5})] : null;
  });
  return h('figure', {class: 'chart', 'data-chart': id},
    h('figcaption', {}, h('strong', {}, title), ' ', h('span', {class: 'figure'}, figure)),
    h('svg', {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title + ': ' + figure},
      h('line', {class: 'axis', x1: 0, y1: H - 1, x2: W, y2: H - 1}), lines));
}
