// Drives the console in Chromium as IT staff would, and checks every page with axe-core against
// WCAG 2.1 A and AA. Run by browser_test.sh, which starts gatewayd and passes GATEWAY_URL, the
// tokens, and where screenshots and downloads go.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const base = process.env.GATEWAY_URL;
const adminToken = process.env.ADMIN_TOKEN;
const viewerToken = process.env.VIEWER_TOKEN;
const screenshots = process.env.SCREENSHOTS;
const downloads = process.env.DOWNLOADS;
const consoleDir = process.env.CONSOLE_DIR;
const sourceDir = process.env.SOURCE_DIR;
const bundledSources = process.env.BUNDLED_SOURCES.split(',').map((s) => s.trim());
const {execFileSync} = require('node:child_process');

/// The API with a bearer token, for what the test checks behind the console's back.
async function api(pathname, {method = 'GET', token = adminToken, body} = {}) {
  const response = await fetch(base + pathname, {
    method,
    headers: {Authorization: `Bearer ${token}`,
              ...(body ? {'Content-Type': 'application/json'} : {})},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return {status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text};
}

async function eventually(check, what, seconds = 120) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/// axe-core on the page as it is: any WCAG 2.1 A or AA violation fails the test. It is evaluated
/// through the DevTools protocol, which the console's Content-Security-Policy rightly keeps a
/// script tag of it from doing.
async function checkAccessibility(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}));
  const violations = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(violations, [], `WCAG violations on ${name}`);
  await page.screenshot({path: path.join(screenshots, `${name}.png`), fullPage: true});
}

/// Waits until the console has drawn the page of the address it shows.
async function drawn(page) {
  await page.waitForFunction(() => document.getElementById('main').dataset.shown === location.hash,
                             {timeout: 30000});
}

/// Opens a page of the console and waits until it is drawn and `ready` holds.
async function go(page, hash, ready) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await drawn(page);
  await page.waitForFunction(ready, {timeout: 30000});
}

const steps = [];
const step = (name, body) => steps.push({name, body});

/// Every message key of each catalogue, and every literal key the console's code asks for.
function catalogueKeys() {
  const catalogues = {};
  for (const language of ['fi', 'sv', 'en']) {
    catalogues[language] = Object.keys(JSON.parse(
      fs.readFileSync(path.join(consoleDir, 'i18n', `${language}.json`), 'utf8')));
  }
  const used = new Set();
  const sources = [path.join(consoleDir, 'app.js'),
    ...fs.readdirSync(path.join(consoleDir, 'pages')).map((f) => path.join(consoleDir, 'pages', f))];
  for (const file of sources) {
    const code = fs.readFileSync(file, 'utf8');
    for (const match of code.matchAll(/\bt\('([\w.-]+)'/g)) used.add(match[1]);
    for (const match of code.matchAll(/title = '([\w.-]+)'/g)) used.add(match[1]);
  }
  return {catalogues, used};
}

(async () => {
  const {catalogues, used} = catalogueKeys();
  assert.deepEqual([...catalogues.sv].sort(), [...catalogues.fi].sort(), 'sv and fi have the same keys');
  assert.deepEqual([...catalogues.en].sort(), [...catalogues.fi].sort(), 'en and fi have the same keys');
  for (const key of used) assert.ok(catalogues.fi.includes(key), `no message ${key}`);

  // The bundled samples' transfers end before the console is looked at.
  await eventually(async () => {
    const {sources} = (await api('/v1/sources')).body;
    const running = await api('/v1/transfers?state=running');
    const queued = await api('/v1/transfers?state=queued');
    return bundledSources.every((name) => sources.find((s) => s.name === name).lastSuccessAt) &&
      running.body.transfers.length === 0 && queued.body.transfers.length === 0;
  }, 'every sample transfer ended');
  const withRejects = (await api('/v1/transfers?source=nokia')).body.transfers
    .find((t) => t.counts.rejected > 0);
  assert.ok(withRejects, 'the nokia sample has deliberately dirty records');

  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage();
  await page.setViewport({width: 1280, height: 900});
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // The browser logs each refusal: the session check before sign-in and after sign-out (401)
    // and the refused pause (403) are the test's own doing; nothing else is expected.
    const refusal = /Failed to load resource: .* status of 40[13]/.test(message.text());
    if (message.type() === 'error' && !refusal) pageErrors.push(message.text());
  });

  step('the sign-in page is accessible and Finnish by default', async () => {
    await page.goto(`${base}/console/`);
    await page.waitForSelector('#token');
    assert.equal(await page.$eval('html', (e) => e.lang), 'fi');
    assert.equal(await page.$eval('h1', (e) => e.textContent), 'Kirjaudu sisään');
    await checkAccessibility(page, 'sign-in');
  });

  step('the keyboard reaches the skip link first, and it leads to the content', async () => {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  });

  step('a wrong token is refused, the right one signs in, and the browser keeps no token', async () => {
    await page.type('#token', 'not-a-token');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#sign-in-error').textContent !== '');
    await page.$eval('#token', (e) => { e.value = ''; });
    await page.type('#token', adminToken);
    await page.keyboard.press('Enter');
    await page.waitForSelector('nav a');
    const stored = await page.evaluate(() => JSON.stringify({...localStorage}) +
                                             JSON.stringify({...sessionStorage}) + document.cookie);
    assert.ok(!stored.includes(adminToken), 'the token is not in the browser\'s storage');
    assert.ok(!stored.includes('gateway_session'), 'the session cookie is HttpOnly');
    const cookies = await page.cookies();
    const session = cookies.find((c) => c.name === 'gateway_session');
    assert.ok(session.httpOnly);
    assert.equal(session.sameSite, 'Strict');
  });

  step('the sources page lists every bundled source with its status', async () => {
    await go(page, '#/sources', () => document.querySelectorAll('main tbody tr').length > 0);
    const names = await page.$$eval('main tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
    assert.equal(bundledSources.length, 24);
    assert.deepEqual(names.filter((name) => name !== 'nokia-push').sort(), [...bundledSources].sort());
    await checkAccessibility(page, 'sources');
  });

  step('pausing a source from the console pauses it', async () => {
    await page.click('button[data-action="pause"][data-source="nokia"]');
    await page.waitForSelector('button[data-action="resume"][data-source="nokia"]');
    const {body} = await api('/v1/sources');
    assert.equal(body.sources.find((s) => s.name === 'nokia').paused, true);
    assert.match(await page.$eval('#status', (e) => e.textContent), /nokia/);
  });

  step('the keyboard alone resumes the source and opens another page', async () => {
    const focusOn = async (selector) => {
      for (let i = 0; i < 300; ++i) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement.matches(s), selector)) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await focusOn('button[data-action="resume"][data-source="nokia"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('button[data-action="pause"][data-source="nokia"]');
    const {body} = await api('/v1/sources');
    assert.equal(body.sources.find((s) => s.name === 'nokia').paused, false);
    await focusOn('nav a[href="#/transfers"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/transfers');
    await drawn(page);
  });

  step('the transfer list filters by municipality', async () => {
    await go(page, '#/transfers', () => document.querySelectorAll('main tbody tr').length > 0);
    await checkAccessibility(page, 'transfers');
    await page.type('#filter-municipality', '536');
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => location.hash.includes('municipality=536'));
    await drawn(page);
    const municipalities = await page.$$eval('main tbody tr td:nth-child(3)',
                                             (cells) => cells.map((c) => c.textContent));
    assert.ok(municipalities.every((m) => m === '536'), municipalities.join());
  });

  step('with 10 000 transfers in the store, the transfer list pages back through them', async () => {
    await go(page, '#/transfers', () => document.querySelectorAll('main tbody tr').length > 0);
    const ids = async () => page.$$eval('main tbody tr td:first-child',
                                        (cells) => cells.map((c) => Number(c.textContent.replace(/\D/g, ''))));
    let previous = await ids();
    assert.equal(previous.length, 50);
    for (let i = 0; i < 3; ++i) {
      const older = await page.$eval('main a[href*="before="]', (a) => a.getAttribute('href'));
      await go(page, older, () => document.querySelectorAll('main tbody tr').length > 0);
      const shown = await ids();
      assert.equal(shown.length, 50);
      assert.ok(Math.max(...shown) < Math.min(...previous), 'each page older than the one before');
      previous = shown;
    }
    await go(page, '#/transfers/?before=30', () => document.querySelectorAll('main tbody tr').length > 0);
    const oldest = await ids();
    assert.equal(oldest[0], 29);
    assert.equal(oldest.length, 29);
    assert.equal(await page.$('main a[href*="before="]'), null, 'the oldest page has no older one');
  });

  step('a transfer with rejects shows its counts, groups and report, which downloads', async () => {
    await go(page, `#/transfer/${withRejects.id}`,
             () => document.querySelectorAll('main table').length >= 2);
    const counts = await page.$$eval('main table:first-of-type tbody td',
                                      (cells) => cells.map((c) => c.textContent.replace(/\s/g, '')));
    const {read, stored, unchanged, rejected} = withRejects.counts;
    assert.deepEqual(counts, [read, stored, unchanged, rejected].map(String));
    const grouped = await page.$$eval('main table:nth-of-type(2) tbody td:nth-child(4)',
                                      (cells) => cells.map((c) => Number(c.textContent.replace(/\s/g, ''))));
    assert.equal(grouped.reduce((a, b) => a + b, 0), rejected);
    await checkAccessibility(page, 'transfer');
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', {behavior: 'allow', downloadPath: downloads});
    await page.click('#rejection-report');
    // Named as the gateway's Content-Disposition says.
    const file = path.join(downloads, `hylatyt-siirto-${withRejects.id}.csv`);
    await eventually(() => fs.existsSync(file) && fs.statSync(file).size > 0,
                     `the report downloaded (${fs.readdirSync(downloads)})`, 30);
    const lines = fs.readFileSync(file, 'utf8').trim().split(/\r\n/);
    assert.match(lines[0], /^tiedosto;rivi;tietue;vaihe;sääntö;kenttä;syy$/);
    assert.equal(lines.length - 1, rejected);
  });

  step('a dry run checks an uploaded export and reports as gatewayctl check', async () => {
    await go(page, '#/dry-run', () => document.querySelector('#dry-run-file') !== null);
    const input = await page.$('#dry-run-file');
    await input.uploadFile(path.join(sourceDir, 'samples', 'nokia', 'asiakastiedot.csv'));
    await page.select('#dry-run-mapping', 'nokia');
    await page.click('form.filters button[type="submit"]');
    await page.waitForSelector('#dry-run-summary');
    const {read, stored, rejected} = withRejects.counts;
    assert.equal(await page.$eval('#dry-run-summary', (e) => e.textContent),
                 `Luettu ${read}, läpäisisi ${stored}, hylättäisiin ${rejected}.`);
    await checkAccessibility(page, 'dry-run');
  });

  step('freezing a municipality refuses its push, and its certificate verifies with openssl', async () => {
    page.on('dialog', (dialog) => dialog.accept());
    await go(page, '#/cutover', () => document.querySelectorAll('main tbody tr').length > 0 &&
      [...document.querySelectorAll('[data-reconciliation]')].every((c) => c.querySelector('span')));
    const addsUp = await page.$$eval('[data-reconciliation] span', (spans) => spans.map((s) => s.className));
    assert.ok(addsUp.every((c) => c === 'state-succeeded'), addsUp.join());
    await checkAccessibility(page, 'cutover');
    await page.click('button[data-action="freeze"][data-municipality="536"]');
    await page.waitForSelector('a[data-certificate="536"]');
    const refused = await api('/v1/push/536/asiakastiedot', {method: 'POST', token: viewerToken,
                                                             body: {}});
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /frozen/);
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', {behavior: 'allow', downloadPath: downloads});
    await page.click('a[data-certificate="536"]');
    await page.click('a[data-signature="536"]');
    await page.click('a[href="/v1/cutover/public-key"]');
    // Named as the gateway's Content-Disposition says.
    const certificate = path.join(downloads, 'siirtotodistus-536.json');
    const signature = path.join(downloads, 'siirtotodistus-536.sig');
    const key = path.join(downloads, 'gateway-public-key.pem');
    await eventually(() => [certificate, signature, key].every((f) => fs.existsSync(f) && fs.statSync(f).size > 0),
                     `the certificate, its signature and the key downloaded (${fs.readdirSync(downloads)})`, 30);
    const verified = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', key, '-rawin',
                                              '-in', certificate, '-sigfile', signature]).toString();
    assert.match(verified, /Signature Verified Successfully/);
    assert.equal(JSON.parse(fs.readFileSync(certificate, 'utf8')).municipality, '536');
    await checkAccessibility(page, 'cutover-frozen');
  });

  step('the indicators page shows the survey table as the 2021 survey has it, with charts', async () => {
    await go(page, '#/indicators', () => document.querySelector('[data-indicator="survey"] tbody tr') !== null);
    const shown = await page.$$eval('[data-indicator="survey"] tbody tr', (rows) =>
      rows.map((row) => [...row.children].map((cell) => cell.textContent.replace(/\s/g, ''))));
    const [header, ...survey] = fs.readFileSync(path.join(sourceDir, 'scripts', 'survey-2021-placements.csv'),
                                                'utf8').trim().split('\n').map((line) => line.split(';'));
    assert.equal(header.length, 7);
    for (const row of survey) {
      assert.deepEqual(shown.find((cells) => cells[0] === row[0]), row, `the survey's row of ${row[0]}`);
    }
    for (const id of ['survey', 'outcomes', 'lengths', 'reviews', 'referrals', 'producers']) {
      assert.ok(await page.$(`[data-indicator="${id}"] svg.chart rect`), `a chart of ${id}`);
      assert.ok(await page.$(`[data-indicator="${id}"] a[data-csv]`), `a CSV of ${id}`);
    }
    await checkAccessibility(page, 'indicators');
    await page.select('#indicator-municipality', '536');
    await page.click('form.filters button[type="submit"]');
    await page.waitForFunction(() => location.hash.includes('municipality=536'));
    await drawn(page);
    const nokia = survey.find((row) => row[0] === '536');
    const total = await page.$$eval('[data-indicator="survey"] tbody tr:last-child td',
                                    (cells) => cells.map((c) => c.textContent.replace(/\s/g, '')));
    assert.deepEqual(total.slice(1), nokia.slice(1), 'Nokia alone: its row is the total');
  });

  step('the audit page shows the report\'s download as a read', async () => {
    await go(page, '#/audit', () => document.querySelectorAll('main tbody tr').length > 0);
    const resources = await page.$$eval('main tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
    assert.ok(resources.includes(`/v1/transfers/${withRejects.id}/rejection-report`), resources.join());
    await checkAccessibility(page, 'audit');
  });

  step('every page can be switched to Swedish and English', async () => {
    await page.select('#language', 'sv');
    await page.waitForFunction(() => document.documentElement.lang === 'sv' &&
                                     document.querySelector('main h1').textContent === 'Granskningslogg');
    await checkAccessibility(page, 'audit-sv');
    await page.select('#language', 'en');
    await page.waitForFunction(() => document.querySelector('main h1').textContent === 'Audit');
    await go(page, '#/sources', () => document.querySelector('main h1').textContent === 'Sources');
    await page.select('#language', 'fi');
    await page.waitForFunction(() => document.querySelector('main h1').textContent === 'Lähteet');
  });

  step('signing out ends the session', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#token');
    const status = await page.evaluate(async () => (await fetch('/v1/sources')).status);
    assert.equal(status, 401);
  });

  step('a token without transfers:admin sees no pause button and is refused pause anyway', async () => {
    await page.type('#token', viewerToken);
    await page.keyboard.press('Enter');
    await page.waitForSelector('nav a');
    const menu = await page.$$eval('nav a', (links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(menu, ['#/transfers', '#/audit']);
    for (const hash of ['#/sources', '#/transfers', '#/cutover', '#/dry-run', '#/indicators', '#/audit']) {
      await go(page, hash, () => document.querySelector('main h1') !== null &&
                                 document.querySelector('main p, main table') !== null);
      assert.equal(await page.$('button[data-action="pause"]'), null, `a pause button on ${hash}`);
    }
    const refused = await page.evaluate(async () => {
      const session = await (await fetch('/v1/session')).json();
      const response = await fetch('/v1/sources/nokia/pause',
                                   {method: 'POST', headers: {'X-CSRF-Token': session.csrfToken}});
      return response.status;
    });
    assert.equal(refused, 403);
    const {body} = await api('/v1/transfers?limit=1000', {token: viewerToken});
    assert.ok(body.transfers.every((t) => t.municipality === '536'));
  });

  let failed = 0;
  for (const {name, body} of steps) {
    try {
      await body();
      console.log(`ok - ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${String(error.stack || error).replace(/\n/g, '\n  ')}`);
      break;  // later steps build on this one
    }
  }
  if (pageErrors.length) {
    failed += 1;
    console.log(`not ok - the console's pages raised errors:\n  ${pageErrors.join('\n  ')}`);
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
