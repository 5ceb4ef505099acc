// Changing a service's traffic split: one share per ready revision (and `latest`), totalling 100, sent
// only after a confirmation, and only over the traffic it was decided on (If-Match), so a change made
// meanwhile by someone else is never overwritten unseen.
import {call, encode} from './api.js';
import {confirm, h, problem, show} from './dom.js';

export async function trafficForm(name, service, signal, redraw, note) {
  const path = '/v1/services/' + encode(name) + '/traffic';
  const res = await call('GET', path, {signal});
  const etag = res.headers.get('ETag');
  const current = await res.json();
  const share = new Map(current.splits.map(s => [s.revision, s.percent]));
  const ready = service.revisions.filter(r => r.state === 'READY').map(r => r.id);
  const targets = [...new Set(['latest', ...ready, ...share.keys()])];
  const inputs = targets.map(t => h('input', {type: 'number', id: 'split-' + t, name: t, min: 0, max: 100, step: 1,
    value: share.get(t) ?? 0, required: true}));
  const total = h('output', {id: 'split-total', 'aria-live': 'polite'});
  const apply = h('button', {type: 'submit'}, 'Apply split…');
  const status = h('div', {id: 'traffic-status', role: 'status'}, note);
  const splits = () => targets.map((t, i) => ({revision: t, percent: Number(inputs[i].value)})).filter(s => s.percent > 0);
  const update = () => {
    const sum = inputs.reduce((n, i) => n + (Number(i.value) || 0), 0);
    total.textContent = 'Total ' + sum + '%' + (sum === 100 ? '' : ': the shares must add up to 100');
    apply.disabled = sum !== 100;
  };
  const submit = async e => {
    e.preventDefault();
    const chosen = splits();
    const words = chosen.map(s => s.percent + '% to ' + s.revision).join(', ');
    if (!await confirm('Change the traffic of ' + name + '?', 'Requests to ' + name + ' will go ' + words
      + ', from now on.', 'Change traffic')) {
      show(status, 'Nothing changed.');
      return;
    }
    try {
      await call('PUT', path, {body: {splits: chosen, tags: current.tags}, headers: etag ? {'If-Match': etag} : {}, signal});
      await redraw('Traffic changed: ' + words + '.');
    } catch (err) {
      if (err.status === 412) {
        await redraw(problem({message: 'The traffic changed while you edited it, so nothing was sent.',
          hint: 'The form now shows the traffic as it is: change it again and apply.'}));
      } else if (!signal.aborted) {
        show(status, problem(err));
      }
    }
  };
  const form = h('form', {class: 'split', onsubmit: submit, oninput: update},
    h('fieldset', {},
      h('legend', {}, 'Change the split'),
      h('p', {class: 'help'}, '“latest” is the newest ready revision, now and after each deploy; a share on a revision stays on it.'),
      targets.map((t, i) => h('div', {class: 'row'}, h('label', {for: 'split-' + t}, t), inputs[i], h('span', {}, '%'))),
      total,
      h('div', {class: 'actions'}, apply)),
    status);
  update();
  return form;
}
