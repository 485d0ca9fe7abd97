// End to end, as a student would use it: the release build in dist/ (with
// the fixed course of tests/fixtures/lessons: fixtureSite() in lib.mjs),
// served from a sub-folder by a plain static server, in Debian's headless
// Chromium; and dist/ itself from python3 -m http.server.
// Run with `make test-e2e` (builds dist/ first) or `cd tests/e2e && npm test`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, DIST, collectErrors, fixtureSite, launchBrowser, servePython, serveStatic } from '../lib.mjs';

const TITLE = 'servicelab — Kubernetes Services, simulated';
// The simulated curl gives up after --connect-timeout; the UI may play that
// out in (shortened) real time, so allow more than 3 s.
const STEP = 20_000;

async function shot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe('a student at the terminal', { timeout: 120_000 }, () => {
  let server, browser, page, errors, terminal, log;

  // Type a command the way a person does, then press Enter.
  async function run(command) {
    await terminal.click();
    await terminal.fill('');
    await terminal.pressSequentially(command);
    await terminal.press('Enter');
  }

  async function logShows(text) {
    await log.filter({ hasText: text }).waitFor({ timeout: STEP });
  }

  before(async () => {
    // Mounted in a sub-folder: any absolute path baked into dist/ would 404.
    server = await serveStatic(await fixtureSite(), { prefix: '/courses/servicelab/' });
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = collectErrors(page);
    terminal = page.getByRole('textbox', { name: 'Terminal' });
    log = page.getByRole('log');
    await page.goto(server.url, { waitUntil: 'load' });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads with a usable terminal', async () => {
    assert.equal(await page.title(), TITLE);
    await terminal.waitFor({ timeout: STEP });
    assert.ok(await terminal.isEditable(), 'the Terminal input accepts typing');
    // Empty before the first command, so present rather than visible.
    await log.waitFor({ state: 'attached', timeout: STEP });
    await shot(page, '01-loaded');
  });

  it('from the laptop, curl to the pod IP times out', async () => {
    await run('curl --connect-timeout 3 http://10.244.0.2');
    try {
      await logShows('curl: (28)');
    } finally {
      await shot(page, '02-laptop-curl-timeout');
    }
    // The topology shows where the packet stopped.
    await page.locator('#topology [data-stopped-at]').first().waitFor({ timeout: STEP });
  });

  it('ssh node01 moves the prompt to the node', async () => {
    await run('ssh node01');
    try {
      await page.getByText('student@node01:~$', { exact: true }).first().waitFor({ timeout: STEP });
    } finally {
      await shot(page, '03-ssh-node01');
    }
  });

  it('from the node, curl to the pod IP reaches nginx', async () => {
    await run('curl http://10.244.0.2');
    try {
      await logShows('Welcome to nginx!');
    } finally {
      await shot(page, '04-node-curl-nginx');
    }
  });

  it('the topology marks the path to the pod and the trace is summarised', async () => {
    const topology = page.locator('#topology');
    await topology.waitFor({ timeout: STEP });
    assert.equal(await topology.evaluate((el) => el.tagName.toLowerCase()), 'svg', '#topology is an SVG');
    await topology.locator('[data-host="myapp-pod"].on-path').first().waitFor({ timeout: STEP });
    const summary = (await page.locator('#trace-summary').innerText({ timeout: STEP })).trim();
    assert.ok(summary.length > 0, '#trace-summary has text');
    await shot(page, '05-path-and-trace');
  });

  it('the browser reported no errors', () => {
    assert.deepEqual(errors, []);
  });
});

describe('dist/ served by python3 -m http.server', { timeout: 60_000 }, () => {
  it('boots to a usable terminal with no errors', async () => {
    const server = await servePython(DIST);
    const browser = await launchBrowser();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors = collectErrors(page);
      await page.goto(server.url, { waitUntil: 'load' });
      const terminal = page.getByRole('textbox', { name: 'Terminal' });
      await terminal.waitFor({ timeout: STEP });
      assert.ok(await terminal.isEditable(), 'the Terminal input accepts typing');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
