// Services: every service with its state, what serves it and where it answers, refreshed every few seconds.
import {encode, get} from './api.js';
import {badge, every, h, link, problem, show, table} from './dom.js';

export async function render(main, params, signal) {
  const list = h('div', {id: 'services'});
  const updated = h('p', {class: 'help'});
  show(main, h('h1', {}, 'Services'), updated, list);
  await every(3000, signal, async () => {
    try {
      const {services} = await get('/v1/services', signal);
      show(list, table('Services and their state', ['Name', 'State', 'Serving', 'Instances', 'Runtime', 'URL'],
        services.map(s => [
          link('#/services/' + encode(s.name), s.name),
          badge(s.state),
          s.servingRevision ?? '—',
          h('span', {title: 'ready of desired'}, s.instances.ready + ' / ' + s.instances.desired),
          s.runtime,
          h('a', {href: s.url, target: '_blank', rel: 'noopener'}, s.url),
        ]),
        h('span', {}, 'No services yet. Deploy one with ', h('code', {}, 'nubo deploy DIR'), '; it appears here.')));
      show(updated, 'Updated ', new Date().toLocaleTimeString(), '; refreshes every 3 seconds.');
    } catch (e) {
      if (!signal.aborted) show(list, problem(e));
    }
  });
}
