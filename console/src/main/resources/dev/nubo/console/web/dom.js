// Small helpers to build the page from data. Text always goes in as text nodes, never as markup, so a
// service name, a log line or an event's payload cannot inject anything into the page.

/** An element: h('a', {href: '#/x', class: 'y'}, 'text', otherNode). Attributes with null/false are left out. */
export function h(tag, attrs = {}, ...children) {
  const svg = ['svg', 'g', 'rect', 'text', 'path', 'title', 'desc', 'defs', 'marker', 'line', 'polyline', 'circle'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** A table with a caption and header cells: rows are arrays of cells (text or nodes). */
export function table(caption, headers, rows, empty) {
  if (rows.length === 0) return h('p', {class: 'empty'}, empty);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map(t => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, rows.map(r => h('tr', {}, r.map((c, i) => i === 0 ? h('th', {scope: 'row'}, c) : h('td', {}, c))))));
}

export function section(title, ...children) {
  const id = 'h-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return h('section', {'aria-labelledby': id}, h('h2', {id}, title), children);
}

/** A coloured word for a state (ready, failed, RUNNING, ...), with the word itself as the text. */
export function badge(state) {
  const s = String(state ?? 'unknown');
  return h('span', {class: 'badge ' + s.toLowerCase()}, s);
}

/** A timestamp as the browser's local time, with the exact instant in the title. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', {datetime: iso, title: iso}, d.toLocaleString());
}

export function link(href, text) {
  return h('a', {href}, text);
}

/** An error as a message the user can act on: the API's message and hint. */
export function problem(error) {
  return h('div', {class: 'problem', role: 'alert'}, h('strong', {}, error.message || String(error)),
    error.hint ? h('p', {}, error.hint) : null);
}

/** Replaces what a container shows. */
export function show(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

/** Asks through the page's dialog; resolves true only when the user confirms. */
export function confirm(title, text, action = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = action;
  dialog.returnValue = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), {once: true});
    dialog.showModal();
  });
}

/** Calls fn now and every `ms` until the signal aborts; a failure is shown by fn itself. */
export function every(ms, signal, fn) {
  const timer = setInterval(() => { if (!signal.aborted) fn(); }, ms);
  signal.addEventListener('abort', () => clearInterval(timer));
  return fn();
}
