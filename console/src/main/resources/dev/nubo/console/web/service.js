// One service: where it answers, its traffic (and changing it), revisions, scaling, live charts, logs
// and usage.
import {encode, get} from './api.js';
import {badge, every, h, problem, section, show, table, when} from './dom.js';
import {trafficForm} from './traffic.js';
import {logView} from './logs.js';
import {usageOf} from './usage.js';
import {liveCharts} from './charts.js';

export async function render(main, [name], signal) {
  const path = '/v1/services/' + encode(name);
  const first = await get(path, signal);
  const overview = h('div');
  const routes = h('div');
  const revisions = h('div');
  const scaling = h('div');
  const instances = h('div');
  const editor = h('div');
  // Answers can arrive out of order (a poll sent before a traffic change may answer after it): only a
  // newer one than what is shown is drawn.
  let asked = 0;
  let drawn = 0;
  const refresh = async () => {
    const n = ++asked;
    try {
      const s = await get(path, signal);
      if (n > drawn) {
        drawn = n;
        draw(s);
      }
      return s;
    } catch (e) {
      if (!signal.aborted) show(overview, problem(e));
    }
  };
  const draw = s => {
    show(overview, summary(s));
    show(routes, routeTable(s));
    show(revisions, revisionTable(s));
    show(scaling, scalingOf(s));
    show(instances, instanceTable(s));
  };
  draw(first);
  // After a change, the form is drawn again from what the server then holds, with a note saying what happened.
  const redraw = async (...note) => show(editor, await trafficForm(name, await refresh() ?? first, signal, redraw, note));
  show(editor, await trafficForm(name, first, signal, redraw, []));
  show(main,
    h('p', {class: 'crumbs'}, h('a', {href: '#/services'}, 'Services'), ' / ', name),
    h('h1', {}, name),
    overview,
    section('Traffic', routes, editor),
    section('Revisions', revisions),
    section('Instances', instances),
    section('Scaling', scaling),
    section('Metrics', liveCharts(name, signal)),
    section('Logs', logView(name, signal)),
    usageOf(name, signal));
  every(5000, signal, refresh);
}

function summary(s) {
  const urls = [...new Set((s.traffic?.routes ?? []).flatMap(r => r.urls))];
  return h('dl', {class: 'facts'},
    h('dt', {}, 'State'), h('dd', {}, badge(s.state)),
    h('dt', {}, 'URL'), h('dd', {}, (urls.length ? urls : [s.url]).map(u => h('a', {href: u, target: '_blank', rel: 'noopener', class: 'url'}, u))),
    h('dt', {}, 'Runtime'), h('dd', {}, s.runtime),
    h('dt', {}, 'Serving'), h('dd', {}, s.servingRevision ?? '—', s.pinnedRevision ? ' (pinned by a rollback)' : ''),
    h('dt', {}, 'Instances'), h('dd', {}, s.instances.ready + ' ready of ' + s.instances.desired + ' desired'),
    s.paths?.length ? [h('dt', {}, 'Paths'), h('dd', {}, s.paths.join(', '))] : null,
    h('dt', {}, 'Created'), h('dd', {}, when(s.createdAt)));
}

function routeTable(s) {
  return table('Where requests go now', ['Revision', 'Share', 'Tags', 'URLs'],
    (s.traffic?.routes ?? []).map(r => [r.revision, r.percent + '%', r.tags.join(', ') || '—',
      h('span', {}, r.urls.map(u => h('a', {href: u, target: '_blank', rel: 'noopener', class: 'url'}, u)))]),
    'No revision takes traffic yet.');
}

function revisionTable(s) {
  return table('Revisions, newest first', ['Revision', 'State', 'Share', 'Instances', 'Created', 'Why'],
    s.revisions.map(r => [r.id, badge(r.state), r.percent + '%' + (r.tags.length ? ' · ' + r.tags.join(', ') : ''),
      r.instances.map(i => i.state).join(', ') || '—', when(r.createdAt),
      r.reason ? h('details', {}, h('summary', {}, r.reason), h('pre', {}, r.logTail.join('\n'))) : '']),
    'No revisions.');
}

function instanceTable(s) {
  return table('Instances of every revision', ['Instance', 'Revision', 'State', 'Pid', 'Port', 'Restarts', 'Start', 'Since'],
    s.revisions.flatMap(r => r.instances.map(i => [i.id, r.id, badge(i.state), i.pid ?? '—', i.port ?? '—', i.restarts,
      i.startMs === null || i.startMs === undefined ? '—' : i.startMs + ' ms' + (i.pooled ? ' (prewarmed)' : ''),
      when(i.readyAt ?? i.createdAt)])),
    'No instances: the service is at zero, and its first request starts one.');
}

function scalingOf(s) {
  const serving = s.revisions.filter(r => r.scaling);
  return h('div', {},
    table('What the autoscaler decided', ['Revision', 'Desired', 'Mode', 'In flight', 'Held', 'Reason'],
      serving.map(r => [r.id, r.scaling.desired ?? '—', r.scaling.mode ?? '—', r.scaling.inFlight,
        r.scaling.held + ' of ' + r.scaling.requests, r.scaling.reason ?? 'no decision yet']),
      'No revision takes traffic, so nothing scales.'),
    table('Events, newest first', ['Time', 'Revision', 'What happened'],
      s.events.map(e => [when(e.time), e.revision ?? '—', e.message]), 'No events yet.'));
}
