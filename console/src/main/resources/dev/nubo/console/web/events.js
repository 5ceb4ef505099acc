// Eventing: brokers, the triggers on them with their counters, and the dead letters, which can be
// replayed (delivered afresh, attempts reset) or discarded.
import {call, get} from './api.js';
import {badge, confirm, every, h, problem, section, show, table, when} from './dom.js';

export async function render(main, params, signal) {
  const brokers = h('div');
  const triggers = h('div');
  const letters = h('div');
  const status = h('div', {id: 'events-status', role: 'status'});
  let asked = 0;
  let drawn = 0;
  const refresh = async () => {
    const n = ++asked;
    try {
      const [b, t, d] = await Promise.all([get('/v1/brokers', signal), get('/v1/triggers', signal),
        get('/v1/dead-letters?limit=100', signal)]);
      if (n < drawn) return; // a poll sent before a replay that answered after it: what is shown is newer
      drawn = n;
      show(brokers, brokerTable(b.brokers));
      show(triggers, triggerTable(t.triggers));
      show(letters, deadLetters(d.deadLetters, act));
    } catch (e) {
      if (!signal.aborted) show(brokers, problem(e));
    }
  };
  /** Runs a replay or discard, says what it did, and shows the lists as they are after it. */
  const act = async (what, method, path) => {
    try {
      const res = await (await call(method, path, {signal})).json();
      show(status, what(res));
    } catch (e) {
      if (!signal.aborted) show(status, problem(e));
    }
    await refresh();
  };
  show(main, h('h1', {}, 'Events'), status,
    section('Brokers', brokers), section('Triggers', triggers), section('Dead letters', letters));
  await every(5000, signal, refresh);
}

function brokerTable(brokers) {
  return table('Brokers', ['Name', 'Triggers', 'Ingest URL', 'Created'],
    brokers.map(b => [b.name, b.triggers, h('code', {}, b.ingestUrl), when(b.createdAt)]), 'No brokers.');
}

function triggerTable(triggers) {
  return table('Triggers and their deliveries', ['Name', 'Broker', 'Filters', 'To', 'Delivered', 'Pending', 'Dead', 'Status'],
    triggers.map(t => [t.name, t.broker,
      (t.filters ?? []).map(f => f.attribute + ' ' + (f.match ?? 'exact') + ' ' + f.value).join(' and ') || 'every event',
      t.to, t.stats?.delivered ?? 0, t.stats?.pending ?? 0, t.stats?.deadLettered ?? 0,
      h('span', {title: t.status?.message ?? ''}, badge(t.status?.state ?? 'ok'))]),
    h('span', {}, 'No triggers. Create one with ', h('code', {}, 'nubo trigger create'), '.'));
}

function deadLetters(letters, act) {
  const replayAll = h('button', {type: 'button', onclick: () => act(r => 'Replayed ' + r.replayed.length + ' dead letters.',
    'POST', '/v1/dead-letters/replay')}, 'Replay all');
  return h('div', {},
    letters.length ? h('div', {class: 'actions'}, replayAll) : null,
    table('Dead letters, oldest first', ['Id', 'From', 'To', 'Event', 'Attempts', 'Why', 'Dead since', 'Actions'],
      letters.map(d => [String(d.id), d.origin, d.to ?? '—',
        h('details', {}, h('summary', {}, (d.event?.type ?? '?') + ' · ' + (d.event?.id ?? '?')),
          h('pre', {}, JSON.stringify(d.event, null, 2))),
        d.attempts, d.reason, when(d.deadAt),
        h('div', {class: 'actions'},
          h('button', {type: 'button', 'aria-label': 'Replay dead letter ' + d.id,
            onclick: () => act(() => 'Replayed dead letter ' + d.id + ': it is being delivered again.', 'POST',
              '/v1/dead-letters/' + d.id + '/replay')}, 'Replay'),
          h('button', {type: 'button', class: 'quiet', 'aria-label': 'Discard dead letter ' + d.id,
            onclick: async () => {
              if (await confirm('Discard dead letter ' + d.id + '?', 'The event is deleted and never delivered.', 'Discard')) {
                act(() => 'Discarded dead letter ' + d.id + '.', 'DELETE', '/v1/dead-letters/' + d.id);
              }
            }}, 'Discard'))]),
      'No dead letters: every event was delivered or is still being tried.'));
}
