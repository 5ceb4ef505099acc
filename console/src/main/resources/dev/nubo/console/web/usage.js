// Usage (metering): GET /v1/usage summed by service, revision or hour, with totals; on its own page and,
// for one service by revision, on the service's page. Read again every 15 s, as often as the server samples.
import {encode, get} from './api.js';
import {every, h, problem, section, show, when} from './dom.js';

const EVERY_MS = 15000;
const FIGURES = [
  ['Invocations', u => u.invocations, n => String(n)],
  ['GB-seconds', u => u.gbSeconds, n => n.toFixed(3)],
  ['Active GB-seconds', u => u.activeGbSeconds, n => n.toFixed(3)],
  ['CPU-seconds', u => u.cpuSeconds, n => n.toFixed(2)],
  ['Bytes in', u => u.bytesIn, bytes],
  ['Bytes out', u => u.bytesOut, bytes],
];
const SINCE = [['1h', 'the last hour'], ['24h', 'the last 24 hours'], ['7d', 'the last 7 days'], ['30d', 'the last 30 days']];

export async function render(main, _, signal) {
  const by = h('select', {id: 'usage-by'}, ['service', 'revision', 'hour'].map(b => h('option', {value: b}, b)));
  const since = h('select', {id: 'usage-since'}, SINCE.map(([v, text]) => h('option', {value: v, selected: v === '24h'}, text)));
  const figures = h('div', {id: 'usage'});
  const refresh = () => load(figures, '?by=' + by.value + '&since=' + since.value, by.value, signal);
  by.addEventListener('change', refresh);
  since.addEventListener('change', refresh);
  show(main, h('h1', {}, 'Usage'),
    h('form', {class: 'filters', onsubmit: e => e.preventDefault()},
      h('label', {for: 'usage-by'}, 'By'), by, h('label', {for: 'usage-since'}, 'Over'), since),
    figures,
    h('p', {class: 'help'}, 'Metered per service, revision and hour (docs/OBSERVABILITY.md); the same figures as ',
      h('code', {}, 'nubo usage'), '.'));
  await every(EVERY_MS, signal, refresh);
}

/** One service's usage by revision over the last day, for its page. */
export function usageOf(service, signal) {
  const figures = h('div');
  every(EVERY_MS, signal, () => load(figures, '?by=revision&since=24h&service=' + encode(service), 'revision', signal));
  return section('Usage', figures);
}

/** Shows an answer only if no later read was asked for meanwhile (the choice may have changed). */
async function load(container, query, by, signal) {
  const asked = String(Number(container.dataset.asked ?? 0) + 1);
  container.dataset.asked = asked;
  try {
    const answer = await get('/v1/usage' + query, signal);
    if (container.dataset.asked === asked) show(container, usageTable(answer, by));
  } catch (e) {
    if (!signal.aborted) show(container, problem(e));
  }
}

function usageTable(answer, by) {
  const keys = by === 'hour' ? [['Hour (UTC)', u => when(u.hour)]]
    : by === 'revision' ? [['Service', u => u.service], ['Revision', u => u.revision]] : [['Service', u => u.service]];
  if (answer.usage.length === 0) {
    return h('p', {class: 'empty'}, 'No usage since ', when(answer.since), ': nothing ran.');
  }
  const total = FIGURES.map(([, of]) => answer.usage.reduce((n, u) => n + of(u), 0));
  return h('table', {},
    h('caption', {}, 'Usage since ', when(answer.since), ', by ', by),
    h('thead', {}, h('tr', {}, [...keys, ...FIGURES].map(([t]) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, answer.usage.map(u => h('tr', {},
      keys.map(([, of], i) => h(i === 0 ? 'th' : 'td', i === 0 ? {scope: 'row'} : {}, of(u))),
      FIGURES.map(([, of, format]) => h('td', {class: 'number'}, format(of(u))))))),
    h('tfoot', {}, h('tr', {},
      h('th', {scope: 'row', colspan: keys.length}, 'Total'),
      FIGURES.map(([, , format], i) => h('td', {class: 'number'}, format(total[i]))))));
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + units[i];
}
