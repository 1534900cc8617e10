// Sources: each source's kind, municipality, schedule, next run, last success and status, with
// pause, resume and run now.
import {announce, api, h, scopes, t, table, time, visuallyHidden} from '../app.js';

export const title = 'sources.title';
export const allowed = (held) => held.has('transfers:admin');

// Sources that run when their data arrives (drop folders, pushes) cannot be run on request.
const runnable = new Set(['file', 'pull']);

export async function render(main) {
  const {sources} = await api('/v1/sources');
  const act = async (source, action) => {
    try {
      if (action === 'run') {
        const transfer = await api('/v1/transfers', {method: 'POST', body: {source: source.name}});
        announce(t('sources.queued', {source: source.name, id: transfer.id}));
      } else {
        await api(`/v1/sources/${encodeURIComponent(source.name)}/${action}`, {method: 'POST'});
        announce(t(action === 'pause' ? 'sources.paused' : 'sources.resumed', {source: source.name}));
      }
    } catch (error) {
      announce(error.message, true);
    }
    main.replaceChildren(main.querySelector('h1'));
    await render(main);
  };
  const admin = scopes().has('transfers:admin');
  main.append(h('p', {}, t('sources.count', {count: sources.length})),
    table(t('sources.caption'),
      [t('sources.name'), t('sources.kind'), t('sources.municipality'), t('sources.schedule'),
       t('sources.nextRun'), t('sources.lastSuccess'), t('sources.status'), t('sources.actions')],
      sources,
      (source) => [
        source.name,
        t(`kind.${source.kind}`),
        source.municipality,
        source.schedule ?? '',
        time(source.nextRunAt),
        time(source.lastSuccessAt),
        h('span', {class: `status-${source.status}`}, t(`status.${source.status}`)),
        admin ? h('div', {class: 'actions'},
          source.paused
            ? h('button', {type: 'button', 'data-action': 'resume', 'data-source': source.name,
                           onclick: () => act(source, 'resume')},
                t('sources.resume'), visuallyHidden(` ${source.name}`))
            : h('button', {type: 'button', 'data-action': 'pause', 'data-source': source.name,
                           onclick: () => act(source, 'pause')},
                t('sources.pause'), visuallyHidden(` ${source.name}`)),
          runnable.has(source.kind) && !source.paused
            ? h('button', {type: 'button', 'data-action': 'run', 'data-source': source.name,
                           onclick: () => act(source, 'run')},
                t('sources.run'), visuallyHidden(` ${source.name}`))
            : null) : '',
      ]));
}
