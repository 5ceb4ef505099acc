// A service's logs: the last lines, and with Follow, new lines as its instances write them
// (GET /v1/services/NAME/logs?follow=true keeps the response open).
import {call, encode} from './api.js';
import {h, problem, show} from './dom.js';

const KEPT = 2000;
const TAIL = 200;

export function logView(name, signal) {
  const path = '/v1/services/' + encode(name) + '/logs?tail=' + TAIL;
  const out = h('pre', {class: 'logs', id: 'logs', role: 'log', tabindex: 0, 'aria-label': 'Logs of ' + name, 'data-state': 'idle'});
  const button = h('button', {type: 'button', 'aria-pressed': 'false', id: 'follow'}, 'Follow');
  const status = h('p', {class: 'help', role: 'status'});
  let lines = [];
  let following = null;

  const put = more => {
    const bottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
    lines = lines.concat(more).slice(-KEPT);
    out.textContent = lines.join('\n');
    if (bottom) out.scrollTop = out.scrollHeight;
  };
  const stop = why => {
    following?.abort();
    following = null;
    out.dataset.state = 'idle';
    button.textContent = 'Follow';
    button.setAttribute('aria-pressed', 'false');
    show(status, why);
  };
  const follow = async () => {
    following = new AbortController();
    const mine = following;
    signal.addEventListener('abort', () => mine.abort());
    button.textContent = 'Stop following';
    button.setAttribute('aria-pressed', 'true');
    try {
      const res = await call('GET', path + '&follow=true', {signal: mine.signal});
      // The server follows before it answers, so from here on every new line arrives.
      lines = [];
      out.dataset.state = 'following';
      show(status, 'Following: new lines appear as they are written.');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let partial = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        const parts = (partial + value).split('\n');
        partial = parts.pop();
        put(parts);
      }
      if (following === mine) stop('The server ended the stream.');
    } catch (e) {
      if (following === mine && e.name !== 'AbortError') {
        stop('');
        show(status, problem(e));
      }
    }
  };
  button.addEventListener('click', () => following ? stop('Stopped following.') : follow());

  call('GET', path, {signal}).then(r => r.text()).then(text => {
    if (!following) put(text.split('\n').filter(l => l));
    if (!lines.length && !following) show(status, 'No log lines yet.');
  }).catch(e => { if (!signal.aborted) show(status, problem(e)); });
  return h('div', {class: 'log-view'}, h('div', {class: 'actions'}, button), status, out);
}
