// Indicators: the survey's questions answered from the stored records, per municipality or for
// the whole region, at a chosen date. Each chart is drawn as inline SVG by this page and hidden
// from assistive technology; its table, right beside it, is its text alternative, and each table
// downloads as CSV.
import {api, h, number, t, table} from '../app.js';

export const title = 'indicators.title';
export const allowed = (held) => held.has('reports:read') || held.has('feed:read');

const placementTypes = ['subcontracting_work', 'open_work_activity', 'paid_work', 'work_trial',
                        'activity_centre_work', 'job_coaching'];
const lengthBands = ['under6Months', '6to12Months', '1to2Years', '2to5Years', 'over5Years'];
const reviewBands = ['upTo3Months', '4to6Months', '7to12Months', 'over12Months', 'notAgreed'];

export async function render(main, params, query) {
  const asOf = query.get('asOf') || new Date().toISOString().slice(0, 10);
  const chosen = query.get('municipality') ?? '';
  const asked = new URLSearchParams({asOf});
  const [placements, services, outcomes] = await Promise.all(
    ['placements', 'services', 'outcomes'].map((name) => api(`/v1/reports/${name}?${asked}`)));
  const municipalities = [...new Set([...placements.rows, ...services.rows, ...outcomes.rows]
    .map((row) => row.municipality))].sort();
  const mine = (rows) => rows.filter((row) => !chosen || row.municipality === chosen);

  const municipality = h('select', {id: 'indicator-municipality', name: 'municipality'},
    h('option', {value: ''}, t('indicators.region')),
    municipalities.map((code) => h('option', {value: code, selected: code === chosen}, code)));
  const date = h('input', {id: 'indicator-date', name: 'asOf', type: 'date', value: asOf, required: true});
  const form = h('form', {class: 'filters', onsubmit: (event) => {
    event.preventDefault();
    const next = new URLSearchParams({asOf: date.value});
    if (municipality.value) next.set('municipality', municipality.value);
    location.hash = `#/indicators/?${next}`;
  }},
    h('div', {}, h('label', {for: 'indicator-municipality'}, t('indicators.municipality')), municipality),
    h('div', {}, h('label', {for: 'indicator-date'}, t('indicators.asOf')), date),
    h('div', {}, h('button', {type: 'submit'}, t('transfers.filter'))));
  main.append(h('p', {}, t('indicators.explain')), form,
              h('p', {id: 'indicator-scope'}, t(chosen ? 'indicators.scopeMunicipality' : 'indicators.scopeRegion',
                                                {municipality: chosen, date: asOf})));

  // The survey table: clients per municipality in each form of work activity.
  const placementRows = mine(placements.rows);
  const total = Object.fromEntries(placementTypes.map((type) =>
    [type, placementRows.reduce((sum, row) => sum + (row[type] ?? 0), 0)]));
  main.append(section('survey', t('indicators.survey'),
    placementTypes.map((type) => ({label: t(`code.placement-type.${type}`), value: total[type]})),
    [t('cutover.municipality'), ...placementTypes.map((type) => t(`code.placement-type.${type}`))],
    [...placementRows.map((row) => [row.municipality, ...placementTypes.map((type) => row[type] ?? 0)]),
     [t('indicators.total'), ...placementTypes.map((type) => total[type])]]));

  // Outcomes: the point of the services.
  const outcomeRows = mine(outcomes.rows);
  const byService = groupSum(outcomeRows, 'serviceType', ['clients', 'clientsIntoWork']);
  main.append(section('outcomes', t('indicators.outcomes'),
    Object.entries(byService).map(([service, sums]) => ({
      label: t(`code.service-type.${service}`),
      value: sums.clients ? Math.round(100 * sums.clientsIntoWork / sums.clients) : 0,
      unit: '%'})),
    [t('cutover.municipality'), t('indicators.service'), t('indicators.clients'),
     t('indicators.intoWork'), t('indicators.share'), t('indicators.daysToPaidWork')],
    outcomeRows.map((row) => [row.municipality, t(`code.service-type.${row.serviceType}`), row.clients,
      row.clientsIntoWork, percent(row.intoWorkShare),
      row.medianDaysToPaidWork === null ? '–' : Math.round(row.medianDaysToPaidWork)])));

  // Episode lengths and plan review intervals, in bands.
  const lengths = bandSum(outcomeRows, 'episodeLengths', lengthBands);
  main.append(section('lengths', t('indicators.lengths'),
    lengthBands.map((band) => ({label: t(`indicators.band.${band}`), value: lengths[band]})),
    [t('indicators.band'), t('indicators.episodes')],
    lengthBands.map((band) => [t(`indicators.band.${band}`), lengths[band]])));
  const reviews = bandSum(outcomeRows, 'reviewIntervals', reviewBands);
  main.append(section('reviews', t('indicators.reviews'),
    reviewBands.map((band) => ({label: t(`indicators.band.${band}`), value: reviews[band]})),
    [t('indicators.band'), t('indicators.plans')],
    reviewBands.map((band) => [t(`indicators.band.${band}`), reviews[band]])));
  // The same by producer: the organiser reviews the plan, and so does the producing service.
  const byProducer = {};
  for (const row of outcomeRows) {
    for (const [producer, bands] of Object.entries(row.reviewIntervalsByProducer ?? {})) {
      const into = byProducer[producer] ??= Object.fromEntries(reviewBands.map((b) => [b, 0]));
      for (const band of reviewBands) into[band] += bands[band] ?? 0;
    }
  }
  main.append(section('reviews-by-producer', t('indicators.reviewsByProducer'), null,
    [t('indicators.producersColumn'), ...reviewBands.map((band) => t(`indicators.band.${band}`))],
    Object.entries(byProducer).map(([producer, bands]) => [
      producer === 'unknown' ? t('indicators.unknownProducer') : t(`code.producer-type.${producer}`),
      ...reviewBands.map((band) => bands[band])])));

  // Referral routes, and own production against purchased services.
  const serviceRows = mine(services.rows);
  for (const [key, field, codeSet] of [['referrals', 'referralSources', 'referral-source'],
                                       ['producers', 'producerTypes', 'producer-type']]) {
    const sums = {};
    for (const row of serviceRows) {
      for (const [code, count] of Object.entries(row[field])) sums[code] = (sums[code] ?? 0) + count;
    }
    const entries = Object.entries(sums).sort((a, b) => b[1] - a[1]);
    main.append(section(key, t(`indicators.${key}`),
      entries.map(([code, count]) => ({label: t(`code.${codeSet}.${code}`), value: count})),
      [t(`indicators.${key}Column`), t('indicators.episodes')],
      entries.map(([code, count]) => [t(`code.${codeSet}.${code}`), count])));
  }

  // Goals set and feedback written, per municipality and service.
  main.append(section('goals', t('indicators.goals'), null,
    [t('cutover.municipality'), t('indicators.service'), t('indicators.episodes'),
     t('indicators.goalsSet'), t('indicators.feedbackWritten')],
    serviceRows.map((row) => [row.municipality, t(`code.service-type.${row.serviceType}`),
      row.episodes, percent(row.goalsSetShare), percent(row.feedbackWrittenShare)])));
}

function percent(share) {
  return share === null || share === undefined ? '–' : `${Math.round(share * 100)} %`;
}

function groupSum(rows, key, fields) {
  const sums = {};
  for (const row of rows) {
    const into = sums[row[key]] ??= Object.fromEntries(fields.map((f) => [f, 0]));
    for (const f of fields) into[f] += row[f];
  }
  return sums;
}

function bandSum(rows, field, bands) {
  return Object.fromEntries(bands.map((band) =>
    [band, rows.reduce((sum, row) => sum + (row[field]?.[band] ?? 0), 0)]));
}

/// One indicator: its heading, a bar chart (when `bars` is given), the table the chart stands
/// for, and the table as CSV.
function section(id, heading, bars, headers, rows) {
  const caption = heading;
  const figure = h('section', {'aria-labelledby': `indicator-${id}`, 'data-indicator': id},
                   h('h2', {id: `indicator-${id}`}, heading));
  if (bars && bars.length) figure.append(barChart(bars));
  figure.append(table(caption, headers, rows,
    (row) => row.map((cell) => typeof cell === 'number' ? number(cell) : cell)));
  const csv = [headers, ...rows].map((row) => row.map(csvField).join(';')).join('\r\n') + '\r\n';
  figure.append(h('p', {}, h('a', {
    href: URL.createObjectURL(new Blob([csv], {type: 'text/csv;charset=utf-8'})),
    download: `${id}.csv`, 'data-csv': id}, t('indicators.csv', {name: heading}))));
  return figure;
}

function csvField(value) {
  const text = String(value);
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/// Horizontal bars with their values, scaled to the largest; hidden from assistive technology,
/// since the table beside it says the same.
function barChart(bars) {
  const ns = 'http://www.w3.org/2000/svg';
  const element = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const rowHeight = 28, labelWidth = 300, barWidth = 420, width = labelWidth + barWidth + 80;
  const largest = Math.max(1, ...bars.map((bar) => bar.value));
  const svg = element('svg', {width, height: bars.length * rowHeight + 8,
                              viewBox: `0 0 ${width} ${bars.length * rowHeight + 8}`,
                              'aria-hidden': 'true', class: 'chart', focusable: 'false'});
  bars.forEach((bar, i) => {
    const y = i * rowHeight + 4;
    svg.append(element('text', {x: labelWidth - 8, y: y + 18, 'text-anchor': 'end'}, bar.label),
               element('rect', {x: labelWidth, y, height: rowHeight - 8,
                                width: Math.max(1, barWidth * bar.value / largest), class: 'bar'}),
               element('text', {x: labelWidth + barWidth * bar.value / largest + 6, y: y + 18},
                       `${bar.value}${bar.unit ?? ''}`));
  });
  return svg;
}
