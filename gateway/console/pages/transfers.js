// Transfers: the transfer log, newest first, filtered by municipality, source and state, a page
// at a time.
import {api, h, number, t, table, time} from '../app.js';

export const title = 'transfers.title';
export const allowed = (held) =>
  held.has('transfers:admin') || [...held].some((scope) => scope.startsWith('push:'));

const states = ['queued', 'running', 'succeeded', 'failed', 'interrupted'];
const pageSize = 50;

export async function render(main, params, query) {
  // The filter and the page live in the address (#/transfers/?municipality=...&before=...), so
  // that the back button and a shared link show the same list.
  const field = (name, label, control) =>
    h('div', {}, h('label', {for: `filter-${name}`}, label), control);
  const text = (name) => h('input', {id: `filter-${name}`, name, value: query.get(name) ?? ''});
  const state = h('select', {id: 'filter-state', name: 'state'},
    h('option', {value: ''}, t('transfers.anyState')),
    states.map((value) => h('option', {value, selected: query.get('state') === value},
                            t(`state.${value}`))));
  const form = h('form', {class: 'filters', onsubmit: (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) chosen.set(name, value);
    location.hash = `#/transfers/?${chosen}`;
  }},
    field('municipality', t('transfers.municipality'), text('municipality')),
    field('source', t('transfers.source'), text('source')),
    field('state', t('transfers.state'), state),
    h('div', {}, h('button', {type: 'submit'}, t('transfers.filter'))));
  main.append(form);

  const asked = new URLSearchParams(query);
  asked.set('limit', pageSize);
  const {transfers, next} = await api(`/v1/transfers?${asked}`);
  if (transfers.length === 0) {
    main.append(h('p', {}, t('transfers.none')));
    return;
  }
  main.append(table(t('transfers.caption'),
    [t('transfers.id'), t('transfers.source'), t('transfers.municipality'), t('transfers.state'),
     t('transfers.started'), t('transfers.read'), t('transfers.stored'), t('transfers.unchanged'),
     t('transfers.rejected')],
    transfers,
    (transfer) => [
      h('a', {href: `#/transfer/${transfer.id}`}, t('transfers.link', {id: transfer.id})),
      transfer.source,
      transfer.municipality,
      h('span', {class: `state-${transfer.state}`}, t(`state.${transfer.state}`)),
      time(transfer.startedAt),
      number(transfer.counts.read),
      number(transfer.counts.stored),
      number(transfer.counts.unchanged),
      number(transfer.counts.rejected),
    ]));
  const pages = h('p', {class: 'actions'});
  if (query.has('before')) {
    const first = new URLSearchParams(query);
    first.delete('before');
    pages.append(h('a', {href: `#/transfers/?${first}`}, t('transfers.newest')));
  }
  if (next) {
    const older = new URLSearchParams(query);
    older.set('before', next);
    pages.append(h('a', {href: `#/transfers/?${older}`}, t('transfers.older')));
  }
  main.append(pages);
}
