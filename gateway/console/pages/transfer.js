// One transfer: its counts (read = stored + unchanged + rejected), live progress while it runs,
// its digest, and its rejects grouped by rule and field with example positions; the rejection
// report as CSV.
import {api, h, number, position, t, table, time} from '../app.js';

export const title = 'transfer.title';
export const allowed = (held) =>
  held.has('transfers:admin') || [...held].some((scope) => scope.startsWith('push:'));

const pollMilliseconds = 2000;

export async function render(main, [id]) {
  const transfer = await api(`/v1/transfers/${encodeURIComponent(id)}`);
  main.querySelector('h1').textContent = t('transfer.heading', {id: transfer.id});
  const facts = h('dl', {class: 'facts'});
  const fact = (label, value) => facts.append(h('dt', {}, label), h('dd', {}, value));
  fact(t('transfers.source'), transfer.source);
  fact(t('transfers.municipality'), transfer.municipality);
  fact(t('transfer.input'), transfer.input);
  fact(t('transfers.state'), h('span', {class: `state-${transfer.state}`},
                               t(`state.${transfer.state}`)));
  fact(t('transfers.started'), time(transfer.startedAt));
  if (transfer.finishedAt) fact(t('transfer.finished'), time(transfer.finishedAt));
  if (transfer.reprocessOf) {
    fact(t('transfer.reprocessOf'),
         h('a', {href: `#/transfer/${transfer.reprocessOf}`},
           t('transfers.link', {id: transfer.reprocessOf})));
  }
  if (transfer.digest) fact(t('transfer.digest'), h('code', {}, transfer.digest));
  if (transfer.error) fact(t('transfer.error'), transfer.error);
  if (transfer.warning) fact(t('transfer.warning'), transfer.warning);
  main.append(facts);

  const counts = transfer.counts;
  main.append(table(t('transfer.counts'),
    [t('transfers.read'), t('transfers.stored'), t('transfers.unchanged'), t('transfers.rejected')],
    [counts], (c) => [number(c.read), number(c.stored), number(c.unchanged), number(c.rejected)]));
  const running = transfer.state === 'queued' || transfer.state === 'running';
  if (running) {
    main.append(h('p', {}, t('transfer.live')));
    // Progress: the page redraws itself while the transfer runs and this page is shown.
    setTimeout(async () => {
      if (location.hash !== `#/transfer/${id}`) return;
      main.replaceChildren(main.querySelector('h1'));
      await render(main, [id]);
    }, pollMilliseconds);
    return;
  }

  main.append(h('h2', {}, t('transfer.rejects')));
  if (counts.rejected === 0) {
    main.append(h('p', {}, t('transfer.noRejects')));
    return;
  }
  main.append(h('p', {}, h('a', {href: `/v1/transfers/${transfer.id}/rejection-report`,
                                 download: true, id: 'rejection-report'},
                           t('transfer.report'))));
  const {groups} = await api(`/v1/transfers/${transfer.id}/reject-groups`);
  main.append(table(t('transfer.groups'),
    [t('transfer.stage'), t('transfer.rule'), t('transfer.field'), t('transfer.count'),
     t('transfer.examples')],
    groups,
    (group) => [t(`stage.${group.stage}`), group.rule, group.field, number(group.count),
                group.examples.map(position).join('; ')]));
}
