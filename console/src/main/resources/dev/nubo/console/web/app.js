// The console's shell: sign-in, the sections, and which view the address (#/...) shows.
import {ApiError, get, token} from './api.js';
import {h, problem, show} from './dom.js';
import * as services from './services.js';
import * as service from './service.js';
import * as events from './events.js';
import * as workflows from './workflows.js';
import * as execution from './execution.js';
import * as usage from './usage.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');
const who = document.getElementById('who');
let whoFor = null; // the token whose name and role `who` shows

/** Address → view: each view renders into main and stops its polling and streams when the signal aborts. */
const ROUTES = [
  [/^#\/services$/, 'services', () => services],
  [/^#\/services\/([^/]+)$/, 'services', () => service],
  [/^#\/events$/, 'events', () => events],
  [/^#\/workflows$/, 'workflows', () => workflows],
  [/^#\/workflows\/([^/]+)$/, 'workflows', () => workflows],
  [/^#\/executions\/([^/]+)$/, 'workflows', () => execution],
  [/^#\/usage$/, 'usage', () => usage],
];

let leaving = new AbortController();
let signInMessage = null;

function route() {
  leaving.abort();
  leaving = new AbortController();
  if (!token.get()) {
    signIn();
    return;
  }
  const hash = location.hash || '#/services';
  const found = ROUTES.map(([re, nav, view]) => [hash.match(re), nav, view]).find(([m]) => m);
  if (!found) {
    location.hash = '#/services';
    return;
  }
  const [match, section, view] = found;
  shell(true, section);
  show(main, h('p', {}, 'Loading…'));
  view().render(main, match.slice(1).map(decodeURIComponent), leaving.signal).catch(e => {
    if (e.name !== 'AbortError' && !leaving.signal.aborted) show(main, problem(e));
  });
  main.focus({preventScroll: true});
}

function shell(signedIn, section) {
  nav.hidden = !signedIn;
  signOut.hidden = !signedIn;
  who.hidden = !signedIn;
  if (signedIn && whoFor !== token.get()) {
    // Who is signed in and what they may do: a viewer sees why the buttons that change things refuse.
    whoFor = token.get();
    who.textContent = '';
    get('/v1/whoami').then(w => { who.textContent = w.name + ' (' + w.role + ')'; }).catch(() => { whoFor = null; });
  }
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function signIn() {
  shell(false);
  const input = h('input', {id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
    'aria-describedby': 'token-help'});
  const message = h('div', {id: 'sign-in-message'});
  if (signInMessage) show(message, problem(signInMessage));
  const form = h('form', {class: 'sign-in', onsubmit: async e => {
    e.preventDefault();
    token.set(input.value.trim());
    try {
      await get('/v1/info');
      signInMessage = null;
      if (location.hash.startsWith('#/') && location.hash !== '#/sign-in') route();
      else location.hash = '#/services';
    } catch (err) {
      token.clear();
      show(message, problem(err.status === 401
        ? new ApiError(401, err.code, 'That token was refused: ' + err.message + '.', 'Sign in with the admin token '
          + '(printed when `nubo server` starts and kept in $NUBO_HOME/admin.token) or with a token an admin made with '
          + '`nubo token create NAME --role viewer` (or developer, admin) that is not revoked or expired.')
        : err));
      input.focus();
    }
  }},
  h('h1', {}, 'Sign in to Nubo'),
  h('label', {for: 'token'}, 'Token'),
  input,
  h('p', {id: 'token-help', class: 'help'}, 'The admin token from $NUBO_HOME/admin.token, or one from `nubo token create`: '
    + 'a viewer\'s looks around, a developer\'s changes things too. It is kept in this tab only.'),
  h('button', {type: 'submit'}, 'Sign in'),
  message);
  show(main, form);
  input.focus();
}

// Any 401 (the server restarted on another home, the token was revoked or expired): back to sign-in, saying why.
window.addEventListener('nubo:unauthorized', e => {
  if (!token.get() || nav.hidden) return; // hidden: signing in, which says it itself
  token.clear();
  signInMessage = new ApiError(401, e.detail.code, 'Signed out: the server no longer accepts your token ('
    + e.detail.message + ').', 'Sign in again: with the admin token, or a new token from an admin if yours was revoked or expired.');
  route();
});

signOut.addEventListener('click', () => {
  token.clear();
  signInMessage = null;
  route();
});

window.addEventListener('hashchange', route);
route();
