// Dry run: upload a sample export, pick a mapping, and read what `gatewayctl check` would say.
// Nothing is stored, and the gateway deletes the upload once it is checked.
import {api, h, number, position, t, table} from '../app.js';

export const title = 'dryRun.title';
export const allowed = (held) => held.has('transfers:admin');

export async function render(main) {
  const {sources} = await api('/v1/sources');
  const mappings = [...new Set(sources.map((s) => s.mapping))].sort();
  const file = h('input', {id: 'dry-run-file', name: 'file', type: 'file', required: true});
  const mapping = h('select', {id: 'dry-run-mapping', name: 'mapping', required: true},
                    mappings.map((name) => h('option', {value: name}, name)));
  const result = h('div', {id: 'dry-run-result'});
  const form = h('form', {class: 'filters', onsubmit: async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return;
    result.replaceChildren(h('p', {}, t('dryRun.running')));
    try {
      const query = new URLSearchParams({mapping: mapping.value, name: chosen.name});
      const report = await api(`/v1/dry-run?${query}`, {method: 'POST', upload: chosen});
      showReport(result, report);
    } catch (error) {
      result.replaceChildren(h('p', {class: 'error'}, error.message));
    }
  }},
    h('div', {}, h('label', {for: 'dry-run-file'}, t('dryRun.file')), file),
    h('div', {}, h('label', {for: 'dry-run-mapping'}, t('dryRun.mapping')), mapping),
    h('div', {}, h('button', {type: 'submit', class: 'primary'}, t('dryRun.check'))));
  main.append(h('p', {}, t('dryRun.explain')), form, result);
}

function showReport(result, report) {
  const summary = h('p', {id: 'dry-run-summary'},
    t('dryRun.summary', {read: report.read, pass: report.wouldPass, rejected: report.rejected}));
  const parts = [h('h2', {}, t('dryRun.report', {input: report.input, mapping: report.mapping,
                                                  version: report.mappingVersion})), summary];
  if (report.stopped) parts.push(h('p', {class: 'error'}, report.stopped));
  parts.push(report.rejects.length === 0 ? h('p', {}, t('dryRun.noRejects')) :
    table(t('dryRun.rejects'), [t('transfer.rule'), t('transfer.field'), t('transfer.count'),
                                t('transfer.examples')],
          report.rejects, (group) => [group.rule, group.field, number(group.count),
            group.examples.map(position).join('; ')]));
  const unmapped = Object.entries(report.unmappedCodes ?? {}).flatMap(([table, codes]) =>
    codes.map((code) => ({table, ...code})));
  parts.push(unmapped.length === 0 ? h('p', {}, t('dryRun.noUnmapped')) :
    table(t('dryRun.unmapped'), [t('dryRun.codeTable'), t('dryRun.code'), t('transfer.count')],
          unmapped, (row) => [row.table, row.code, number(row.count)]));
  parts.push(h('h3', {}, t('dryRun.unusedFields')),
             h('p', {}, report.sourceFieldsNeverUsed.length ? report.sourceFieldsNeverUsed.join(', ')
                                                            : t('dryRun.none')));
  parts.push(h('h3', {}, t('dryRun.unfilledFields')),
             h('ul', {}, Object.entries(report.regionalFieldsNeverFilled).map(([entity, paths]) =>
               h('li', {}, `${t(`entity.${entity}`)}: ${paths.length ? paths.join(', ') : t('dryRun.none')}`))));
  for (const warning of report.warnings ?? []) parts.push(h('p', {class: 'error'}, warning));
  result.replaceChildren(...parts);
}
