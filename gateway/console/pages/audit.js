// Audit: who read which feed or rejects, when, from where, how it was answered and how many
// records, a page at a time, newest page last as the log keeps them.
import {api, h, number, t, table, time} from '../app.js';

export const title = 'audit.title';
export const allowed = (held) => held.has('audit:read');

const pageSize = 100;

export async function render(main, params, query) {
  const after = Number(query.get('after') ?? 0);
  const {reads, next} = await api(`/v1/audit/feed-reads?after=${after}&limit=${pageSize}`);
  if (reads.length === 0) {
    main.append(h('p', {}, t('audit.none')));
    return;
  }
  main.append(table(t('audit.caption'),
    [t('audit.when'), t('audit.reader'), t('audit.resource'), t('audit.view'), t('audit.records'),
     t('audit.status'), t('audit.address')],
    reads,
    (read) => [time(read.readAt), read.reader || t('audit.noToken'), read.resource ?? '',
               [read.entity, read.view].filter(Boolean).join(' / '), number(read.records),
               {value: read.status, number: true}, read.address ?? '']));
  if (next && reads.length === pageSize) {
    main.append(h('p', {}, h('a', {href: `#/audit/?after=${next}`}, t('audit.more'))));
  }
}
