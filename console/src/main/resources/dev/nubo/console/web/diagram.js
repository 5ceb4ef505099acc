// A workflow's state machine as an SVG: states in rows by their distance from StartAt, an arrow for
// each transition (Next, a Choice's rules and Default, a Catch), and the path an execution took drawn
// over it. Branches inside Parallel and Map are not drawn: their state is one box, as the history
// records it as one step.
import {h} from './dom.js';

const W = 168;
const H = 40;
const GAP_X = 28;
const GAP_Y = 44;

/** The transitions of a definition: [{from, to, label}]; an end (End: true, Succeed, Fail) has none. */
export function transitions(definition) {
  const out = [];
  for (const [name, s] of Object.entries(definition.States ?? {})) {
    if (s.Next) out.push({from: name, to: s.Next, label: ''});
    (s.Choices ?? []).forEach((c, i) => c.Next && out.push({from: name, to: c.Next, label: 'rule ' + (i + 1)}));
    if (s.Default) out.push({from: name, to: s.Default, label: 'default'});
    (s.Catch ?? []).forEach(c => c.Next && out.push({from: name, to: c.Next, label: 'catch ' + (c.ErrorEquals ?? []).join(', ')}));
  }
  return out;
}

/** Where each state goes: its row is its distance from StartAt (unreachable states last), in order of discovery. */
export function layout(definition) {
  const names = Object.keys(definition.States ?? {});
  const edges = transitions(definition);
  const row = new Map();
  const queue = names.includes(definition.StartAt) ? [definition.StartAt] : [];
  queue.forEach(n => row.set(n, 0));
  while (queue.length) {
    const n = queue.shift();
    for (const e of edges.filter(e => e.from === n && !row.has(e.to) && names.includes(e.to))) {
      row.set(e.to, row.get(n) + 1);
      queue.push(e.to);
    }
  }
  const last = Math.max(-1, ...row.values()) + 1;
  names.filter(n => !row.has(n)).forEach(n => row.set(n, last));
  const rows = [];
  for (const [n, r] of row) (rows[r] ??= []).push(n);
  const widest = Math.max(1, ...rows.map(r => r.length));
  const boxes = new Map();
  rows.forEach((r, y) => r.forEach((n, x) => {
    const offset = (widest - r.length) * (W + GAP_X) / 2;
    boxes.set(n, {name: n, type: definition.States[n].Type, x: 10 + offset + x * (W + GAP_X), y: 10 + y * (H + GAP_Y)});
  }));
  return {boxes, edges: edges.filter(e => boxes.has(e.to)), width: 20 + widest * (W + GAP_X) - GAP_X, height: 20 + rows.length * (H + GAP_Y) - GAP_Y};
}

/**
 * The drawing. `path` is the states entered, in order (from the history's StateEntered events); those
 * states and the transitions between consecutive ones are marked as taken, `current` as where it is now.
 */
export function draw(definition, path = [], current = null) {
  const {boxes, edges, width, height} = layout(definition);
  const visited = new Set(path);
  const taken = new Set(path.slice(1).map((to, i) => path[i] + '→' + to));
  const words = path.length ? 'Path taken: ' + path.join(' → ') + (current ? '; now in ' + current : '') : 'Not run yet.';
  const svg = h('svg', {class: 'diagram', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'diagram-title diagram-desc'},
    h('title', {id: 'diagram-title'}, 'State machine starting at ' + definition.StartAt),
    h('desc', {id: 'diagram-desc'}, words),
    h('defs', {}, ['arrow', 'arrow-taken'].map(id => h('marker', {id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'},
      h('path', {d: 'M0,0 L10,5 L0,10 z', class: id})))));
  for (const e of edges) {
    const a = boxes.get(e.from);
    const b = boxes.get(e.to);
    const on = taken.has(e.from + '→' + e.to);
    svg.append(h('path', {d: route(a, b), class: 'edge' + (on ? ' taken' : ''), 'marker-end': `url(#${on ? 'arrow-taken' : 'arrow'})`,
      'data-from': e.from, 'data-to': e.to}, h('title', {}, e.from + ' → ' + e.to + (e.label ? ' (' + e.label + ')' : ''))));
  }
  for (const box of boxes.values()) {
    const classes = ['state', box.type?.toLowerCase(), visited.has(box.name) ? 'visited' : '', box.name === current ? 'current' : ''];
    svg.append(h('g', {class: classes.filter(c => c).join(' '), 'data-state': box.name, transform: `translate(${box.x},${box.y})`},
      h('title', {}, box.name + ' (' + box.type + ')' + (visited.has(box.name) ? ', entered' : ', not entered')),
      h('rect', {width: W, height: H, rx: box.type === 'Choice' ? 2 : 10}),
      h('text', {x: W / 2, y: 17, 'text-anchor': 'middle', class: 'name'}, clip(box.name)),
      h('text', {x: W / 2, y: 32, 'text-anchor': 'middle', class: 'type'}, box.type)));
  }
  return svg;
}

/** Down to a lower row: a straight line; to the same or an earlier row (a loop): a curve out to the right. */
function route(a, b) {
  if (b.y > a.y) return `M${a.x + W / 2},${a.y + H} L${b.x + W / 2},${b.y}`;
  const out = Math.max(a.x, b.x) + W;
  return `M${a.x + W},${a.y + H / 2} C${out + 40},${a.y + H / 2} ${out + 40},${b.y + H / 2} ${b.x + W},${b.y + H / 2}`;
}

function clip(name) {
  return name.length > 22 ? name.slice(0, 21) + '…' : name;
}

/** The definition as an object, or null when it is not JSON (YAML is not drawn yet). */
export function parse(text) {
  try {
    const d = typeof text === 'string' ? JSON.parse(text) : text;
    return d && typeof d.States === 'object' ? d : null;
  } catch {
    return null;
  }
}
