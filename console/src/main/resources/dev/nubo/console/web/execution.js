// One workflow execution: its status, the state machine with the path it took, and its history.
import {encode, get} from './api.js';
import {badge, every, h, problem, section, show, table, when} from './dom.js';
import {picture} from './workflows.js';

export async function render(main, [id], signal) {
  const body = h('div');
  const first = await get('/v1/executions/' + encode(id), signal);
  const definition = (await get('/v1/workflows/' + encode(first.workflow), signal)).definition;
  show(main,
    h('p', {class: 'crumbs'}, h('a', {href: '#/workflows'}, 'Workflows'), ' / ',
      h('a', {href: '#/workflows/' + encode(first.workflow)}, first.workflow), ' / ', first.name),
    h('h1', {}, 'Execution ', first.name),
    body);
  const refresh = async () => {
    try {
      const [e, {events}] = await Promise.all([get('/v1/executions/' + encode(id), signal),
        get('/v1/executions/' + encode(id) + '/history', signal)]);
      const path = events.filter(ev => ev.type === 'StateEntered').map(ev => ev.state);
      show(body,
        h('dl', {class: 'facts'},
          h('dt', {}, 'Status'), h('dd', {id: 'execution-status'}, badge(e.status)),
          e.state ? [h('dt', {}, 'State now'), h('dd', {}, e.state)] : null,
          h('dt', {}, 'Started'), h('dd', {}, when(e.startedAt)),
          h('dt', {}, 'Stopped'), h('dd', {}, when(e.stoppedAt)),
          e.error ? [h('dt', {}, 'Error'), h('dd', {}, e.error + (e.cause ? ': ' + e.cause : ''))] : null,
          e.version !== undefined ? [h('dt', {}, 'Version'), h('dd', {}, String(e.version))] : null),
        section('Path taken', picture(definition, path, e.status === 'RUNNING' ? e.state : null)),
        section('Input and output', h('div', {class: 'io'},
          h('div', {}, h('h3', {}, 'Input'), h('pre', {}, JSON.stringify(e.input, null, 2))),
          h('div', {}, h('h3', {}, 'Output'), h('pre', {}, e.output === undefined ? '—' : JSON.stringify(e.output, null, 2))))),
        section('History', table('History, oldest first', ['#', 'Time', 'Event', 'State', 'Detail'],
          events.map(ev => [String(ev.seq), when(ev.at), ev.type, ev.state ?? '—',
            ev.detail && Object.keys(ev.detail).length ? h('code', {class: 'detail'}, JSON.stringify(ev.detail)) : '']),
          'No history.')));
      return e;
    } catch (err) {
      if (!signal.aborted) show(body, problem(err));
    }
  };
  // A running execution is followed; a finished one no longer changes.
  const timer = new AbortController();
  signal.addEventListener('abort', () => timer.abort());
  await every(2000, timer.signal, async () => {
    const e = await refresh();
    if (e && e.status !== 'RUNNING') timer.abort();
  });
}
