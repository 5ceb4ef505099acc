// Workflows: the list, and one workflow's state machine with its executions.
import {encode, get} from './api.js';
import {badge, every, h, link, problem, section, show, table, when} from './dom.js';
import {draw, parse} from './diagram.js';

export async function render(main, [name], signal) {
  return name ? one(main, name, signal) : list(main, signal);
}

async function list(main, signal) {
  const {workflows} = await get('/v1/workflows', signal);
  show(main, h('h1', {}, 'Workflows'), table('Workflows, newest version of each', ['Name', 'Version', 'Deployed'],
    workflows.map(w => [link('#/workflows/' + encode(w.name), w.name), w.version, when(w.createdAt)]),
    h('span', {}, 'No workflows. Deploy one with ', h('code', {}, 'nubo workflow deploy'), '.')));
}

async function one(main, name, signal) {
  const w = await get('/v1/workflows/' + encode(name), signal);
  const executions = h('div');
  show(main,
    h('p', {class: 'crumbs'}, h('a', {href: '#/workflows'}, 'Workflows'), ' / ', name),
    h('h1', {}, name, ' ', h('small', {}, 'version ' + w.version)),
    section('State machine', picture(w.definition)),
    section('Executions', executions));
  await every(5000, signal, async () => {
    try {
      const list = (await get('/v1/workflows/' + encode(name) + '/executions?limit=50', signal)).executions;
      show(executions, table('Executions, newest first', ['Name', 'Status', 'State now', 'Started', 'Stopped'],
        list.map(e => [link('#/executions/' + encode(e.id), e.name), badge(e.status), e.state ?? '—', when(e.startedAt), when(e.stoppedAt)]),
        'No executions yet.'));
    } catch (e) {
      if (!signal.aborted) show(executions, problem(e));
    }
  });
}

/** The drawing of a definition, or why there is none. */
export function picture(text, path, current) {
  const definition = parse(text);
  if (!definition) {
    return h('div', {class: 'placeholder'}, h('p', {}, 'This definition is not JSON, so it is not drawn yet. Its text:'),
      h('pre', {}, String(text)));
  }
  return h('div', {class: 'diagram-box'}, draw(definition, path, current));
}
