// The cut-over board: per municipality, its last transfer, current records per entity, whether
// its reconciliation adds up and its digest; freeze and unfreeze, and the signed certificate.
import {announce, api, h, number, scopes, t, time, visuallyHidden} from '../app.js';

export const title = 'cutover.title';
export const allowed = (held) => held.has('transfers:admin');

export async function render(main) {
  const {municipalities} = await api('/v1/municipalities');
  main.append(h('p', {}, t('cutover.explain')),
              h('p', {}, h('a', {href: '/v1/cutover/public-key', download: 'gateway-public-key.pem'},
                            t('cutover.publicKey'))));
  const admin = scopes().has('transfers:admin');
  const act = async (municipality, action) => {
    const question = t(action === 'freeze' ? 'cutover.confirmFreeze' : 'cutover.confirmUnfreeze',
                       {name: municipality.name});
    if (!window.confirm(question)) return;
    try {
      await api(`/v1/municipalities/${municipality.code}/${action}`, {method: 'POST'});
      announce(t(action === 'freeze' ? 'cutover.frozen' : 'cutover.unfrozen',
                 {name: municipality.name}));
    } catch (error) {
      announce(error.message, true);
    }
    main.replaceChildren(main.querySelector('h1'));
    await render(main);
  };
  const body = h('tbody');
  const rows = [];
  for (const municipality of municipalities) {
    const last = municipality.lastTransfer;
    const records = Object.entries(municipality.currentRecords);
    const reconciliation = h('td', {'data-reconciliation': municipality.code}, t('cutover.checking'));
    const digest = h('td', {}, '');
    const frozen = municipality.frozen;
    body.append(h('tr', {},
      h('th', {scope: 'row'}, `${municipality.name} (${municipality.code})`),
      h('td', {}, last
        ? [h('a', {href: `#/transfer/${last.id}`}, t('transfers.link', {id: last.id})), ' ',
           h('span', {class: `state-${last.state}`}, t(`state.${last.state}`)), ' ',
           time(last.finishedAt ?? last.startedAt)]
        : t('cutover.noTransfer')),
      h('td', {}, records.length
        ? h('ul', {class: 'plain'}, records.map(([entity, count]) =>
            h('li', {}, `${t(`entity.${entity}`)}: ${number(count).value}`)))
        : '0'),
      reconciliation,
      digest,
      h('td', {}, frozen
        ? [h('span', {class: 'state-frozen'}, t('cutover.frozenAt', {at: time(municipality.freeze.frozenAt),
                                                                       by: municipality.freeze.frozenBy}))]
        : t('cutover.open')),
      h('td', {}, h('div', {class: 'actions'},
        admin && !frozen ? h('button', {type: 'button', 'data-action': 'freeze',
                                        'data-municipality': municipality.code,
                                        onclick: () => act(municipality, 'freeze')},
                             t('cutover.freeze'), visuallyHidden(` ${municipality.name}`)) : null,
        frozen ? h('a', {href: `/v1/municipalities/${municipality.code}/certificate`,
                         download: true,
                         'data-certificate': municipality.code},
                   t('cutover.certificate'), visuallyHidden(` ${municipality.name}`)) : null,
        frozen ? h('a', {href: `/v1/municipalities/${municipality.code}/certificate.sig`,
                         download: true,
                         'data-signature': municipality.code},
                   t('cutover.signature'), visuallyHidden(` ${municipality.name}`)) : null,
        admin && frozen ? h('button', {type: 'button', 'data-action': 'unfreeze',
                                       'data-municipality': municipality.code,
                                       onclick: () => act(municipality, 'unfreeze')},
                            t('cutover.unfreeze'), visuallyHidden(` ${municipality.name}`)) : null))));
    rows.push({municipality, reconciliation, digest});
  }
  main.append(h('table', {},
    h('caption', {}, t('cutover.caption')),
    h('thead', {}, h('tr', {}, [t('cutover.municipality'), t('cutover.lastTransfer'),
      t('cutover.records'), t('cutover.addsUp'), t('transfer.digest'), t('cutover.state'),
      t('sources.actions')].map((text) => h('th', {scope: 'col'}, text)))),
    body));
  // Each reconciliation reads every current record of its municipality: the rows fill in one
  // by one, and the board is usable before they have.
  for (const {municipality, reconciliation, digest} of rows) {
    try {
      const result = await api(`/v1/municipalities/${municipality.code}/reconciliation`);
      reconciliation.replaceChildren(h('span', {class: result.addsUp ? 'state-succeeded' : 'state-failed'},
        result.addsUp ? t('cutover.yes') : t('cutover.no', {problems: result.problems.join('; ')})));
      digest.replaceChildren(h('code', {}, result.digest));
    } catch (error) {
      reconciliation.replaceChildren(h('span', {class: 'error'}, error.message));
    }
  }
}
