// The console's frame: messages in the chosen language, the session, the API, the menu and the
// pages. Each page is a module in pages/ that exports `title` (a message key), `allowed(scopes)`
// and `render(main, params, query)`; the menu lists the pages the session's scopes allow, and the server
// refuses the rest anyway.

const pages = {
  sources: () => import('./pages/sources.js'),
  transfers: () => import('./pages/transfers.js'),
  transfer: () => import('./pages/transfer.js'),
  cutover: () => import('./pages/cutover.js'),
  'dry-run': () => import('./pages/dry-run.js'),
  indicators: () => import('./pages/indicators.js'),
  audit: () => import('./pages/audit.js'),
};
const menu = ['sources', 'transfers', 'cutover', 'dry-run', 'indicators', 'audit'];
const languages = ['fi', 'sv', 'en'];

let messages = {};
let session = null;  // {name, scopes, csrfToken, idleMinutes}

/// The text of a message key in the chosen language, with {name} placeholders filled in.
export function t(key, values = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/// An element with attributes and children; text is always set as text, never parsed as HTML.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/// A table with a caption and column headers; `cells` gives a row's cells for an item (a cell is
/// text, a node, or {value, number: true} for a right-aligned figure).
export function table(caption, headers, items, cells) {
  const cell = (value) => {
    const numeric = value && typeof value === 'object' && !(value instanceof Node);
    return h('td', numeric ? {class: 'number'} : {}, numeric ? value.value : value);
  };
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((text) => h('th', {scope: 'col'}, text)))),
    h('tbody', {}, items.map((item) => h('tr', {}, cells(item).map((value) => cell(value))))));
}

/// Where a reject was found ({input, line, record}), as the page's language says it.
export function position(at) {
  return at.line ? t('transfer.atLine', {input: at.input, line: at.line})
                 : t('transfer.atRecord', {input: at.input, record: at.record});
}

/// Text for screen readers only, such as the row a button in a table acts on.
export function visuallyHidden(text) {
  return h('span', {class: 'visually-hidden'}, text);
}

/// A figure in the page's language, as a right-aligned table cell.
export function number(value) {
  return {value: new Intl.NumberFormat(document.documentElement.lang).format(value ?? 0),
          number: true};
}

/// A moment from the API, in the page's language; the text itself when it is no time.
export function time(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(document.documentElement.lang);
}

/// A refusal or failure of the API: its status and its detail.
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/// Calls the gateway's API in the session: the cookie goes along, and a change carries the
/// session's CSRF token. A 401 means the session has ended: the sign-in form comes back.
/// `body` is sent as JSON; `upload`, a File, as it is.
export async function api(path, {method = 'GET', body, upload} = {}) {
  const headers = {Accept: 'application/json'};
  if (method !== 'GET' && session?.csrfToken) headers['X-CSRF-Token'] = session.csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (upload !== undefined) headers['Content-Type'] = 'application/octet-stream';
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: upload ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  if (response.status === 401 && path !== '/v1/session') {
    session = null;
    showSignIn(t('session.ended'));
    throw new ApiError(401, t('session.ended'));
  }
  const text = await response.text();
  const answer = text ? JSON.parse(text) : {};
  if (!response.ok) throw new ApiError(response.status, answer.detail ?? response.statusText);
  return answer;
}

/// The scopes of the session's token.
export function scopes() {
  return new Set(session?.scopes ?? []);
}

/// Says something to the person, in the live region that screen readers announce.
export function announce(text, isError = false) {
  const status = document.getElementById('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

async function loadMessages(language) {
  const response = await fetch(`i18n/${language}.json`, {credentials: 'same-origin'});
  messages = await response.json();
  document.documentElement.lang = language;
  document.title = t('console.title');
  document.getElementById('skip-link').textContent = t('console.skip');
  document.getElementById('brand').textContent = t('console.title');
  document.getElementById('language-label').textContent = t('console.language');
  document.getElementById('nav').setAttribute('aria-label', t('console.menu'));
  document.getElementById('sign-out').textContent = t('session.signOut');
  document.getElementById('language').value = language;
}

/// What the address names: the page, the path segments after it (#/transfer/12), and its query
/// (#/transfers/?municipality=536), which keeps a page's filter in the address.
function route() {
  const address = location.hash.replace(/^#\/?/, '');
  const mark = address.indexOf('?');
  const path = mark < 0 ? address : address.slice(0, mark);
  const [name = '', ...params] = path.split('/').filter(Boolean);
  return {name, params, query: new URLSearchParams(mark < 0 ? '' : address.slice(mark + 1))};
}

async function renderMenu() {
  const nav = document.getElementById('nav');
  const current = route().name;
  const list = h('ul');
  for (const name of menu) {
    const page = await pages[name]();
    if (!page.allowed(scopes())) continue;
    const here = current === name || (name === 'transfers' && current === 'transfer');
    list.append(h('li', {}, h('a', {href: `#/${name}`, 'aria-current': here ? 'page' : false},
                              t(page.title))));
  }
  nav.replaceChildren(list);
  nav.hidden = false;
  document.getElementById('who').textContent = t('session.who', {name: session.name});
  document.getElementById('sign-out').hidden = false;
}

async function renderPage() {
  if (!session) return;
  const main = document.getElementById('main');
  const shown = location.hash;
  delete main.dataset.shown;
  await drawPage(main);
  main.dataset.shown = shown;  // this address is drawn: what a test waits for
}

async function drawPage(main) {
  const {name, params, query} = route();
  if (!pages[name]) {
    for (const candidate of menu) {
      if ((await pages[candidate]()).allowed(scopes())) {
        location.replace(`#/${candidate}`);
        return;
      }
    }
    main.replaceChildren(h('h1', {}, t('console.nothingAllowed')));
    return;
  }
  await renderMenu();
  const page = await pages[name]();
  document.title = `${t(page.title)} – ${t('console.title')}`;
  if (!page.allowed(scopes())) {
    main.replaceChildren(h('h1', {}, t(page.title)), h('p', {class: 'error'}, t('console.notAllowed')));
    return;
  }
  main.replaceChildren(h('h1', {}, t(page.title)));
  try {
    await page.render(main, params, query);
  } catch (error) {
    if (error.status !== 401) main.append(h('p', {class: 'error'}, error.message));
  }
}

function showSignIn(reason = '') {
  document.getElementById('nav').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('who').textContent = '';
  const main = document.getElementById('main');
  const error = h('p', {class: 'error', id: 'sign-in-error'}, reason);
  const token = h('input', {id: 'token', name: 'token', type: 'password', autocomplete: 'off',
                            required: true, 'aria-describedby': 'sign-in-error'});
  const form = h('form', {class: 'sign-in', onsubmit: async (event) => {
    event.preventDefault();
    try {
      session = await api('/v1/session', {method: 'POST', body: {token: token.value}});
      token.value = '';
      announce(t('session.signedIn', {name: session.name}));
      await renderPage();
    } catch (failure) {
      error.textContent = failure.status === 401 ? t('session.badToken') : failure.message;
      token.focus();
    }
  }},
    h('div', {}, h('label', {for: 'token'}, t('session.token')), token),
    h('p', {}, h('button', {type: 'submit', class: 'primary'}, t('session.signIn'))));
  document.title = `${t('session.signInTitle')} – ${t('console.title')}`;
  main.replaceChildren(h('h1', {}, t('session.signInTitle')), h('p', {}, t('session.explain')),
                       form, error);
}

async function signOut() {
  try {
    await api('/v1/session', {method: 'DELETE'});
  } finally {
    session = null;
    showSignIn();
    announce(t('session.signedOut'));
  }
}

async function start() {
  const stored = localStorage.getItem('gateway.language');
  await loadMessages(languages.includes(stored) ? stored : 'fi');
  document.getElementById('language').addEventListener('change', async (event) => {
    localStorage.setItem('gateway.language', event.target.value);
    await loadMessages(event.target.value);
    if (session) await renderPage(); else showSignIn();
  });
  document.getElementById('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', async () => {
    announce('');  // what was said belongs to the page before
    await renderPage();
    document.getElementById('main').focus();
  });
  try {
    session = await api('/v1/session');
    await renderPage();
  } catch {
    showSignIn();
  }
}

start();
