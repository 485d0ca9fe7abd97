// End to end, the course never contradicts the terminal (issue 19): the
// release build in dist/ with the course of lessons/, in Debian's headless
// Chromium at 1440 x 900.
//
// - A goal whose URL names a value the cluster picks ({nodePort:whoami},
//   lesson 02 step 4) reads "<whoami's node port>" until the Service
//   exists, then the port the student's Service got, as kubectl prints it;
//   nowhere does the page show a raw `{…:…}`.
// - A goal that expects "No route to host" (lesson 06 step 3) ticks only
//   on the student's own curl that ended so: a curl that timed out first
//   (its own --connect-timeout) leaves it waiting.
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/truth.test.mjs`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, DIST, collectErrors, launchBrowser, readThrough as readStep, serveStatic } from '../lib.mjs';

const STEP = 20_000;
const WIDE = { width: 1440, height: 900 };

describe('the course shows the student\'s own world', { timeout: 240_000 }, () => {
  let server, browser, page, errors;

  async function run(command) {
    const input = page.locator('#terminal-input');
    await input.focus();
    await input.fill('');
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
  }

  async function runAndSee(command, text) {
    const hits = page.locator('#terminal-output').getByText(text);
    const before = await hits.count();
    await run(command);
    await hits.nth(before).waitFor({ state: 'visible', timeout: STEP });
  }

  /** Each quiz in turn with its first choice, and on past each console
   * block: the goals show once the step's questions are answered. */
  async function readThrough() {
    await readStep(page);
    await page.locator('.check-list').waitFor({ timeout: STEP });
  }

  /** No placeholder is shown anywhere in the lesson pane. */
  async function noRawPlaceholder() {
    const shown = await page.locator('.lesson-pane').innerText();
    assert.doesNotMatch(shown, /\{(podIP|pod|node|clusterIP|nodePort|loadBalancerIP|endpoints):/, shown);
  }

  before(async () => {
    server = await serveStatic(DIST);
    browser = await launchBrowser({ viewport: WIDE });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    errors = collectErrors(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a goal with a placeholder shows the node port the student\'s Service got', async () => {
    await page.goto(`${server.url}#/lessons/02-nodeport/4`, { waitUntil: 'load' });
    await page.locator('.step[data-step="4"]').waitFor({ timeout: STEP });
    await readThrough();
    const goal = page.locator('.check-list .check').filter({ hasText: 'curl from laptop' });
    assert.match(await goal.innerText(), /http:\/\/192\.168\.1\.2:<whoami's node port> gets 200 OK/);
    await noRawPlaceholder();

    // The student's own way: not the lesson's file, a command.
    await runAndSee('kubectl create service nodeport whoami --tcp=80:80', 'service/whoami created');
    await runAndSee("echo port=$(kubectl get svc whoami -o jsonpath='{.spec.ports[0].nodePort}')", 'port=3');
    const port = [...(await page.locator('#terminal-output').innerText()).matchAll(/port=(3\d{4})/g)].pop()[1];
    await page.waitForFunction(
      (p) => document.querySelector('.check-list')?.innerText.includes(`http://192.168.1.2:${p} gets 200 OK`),
      port,
      { timeout: STEP },
    );
    assert.equal(await goal.getAttribute('data-goal'), 'ready', 'ready, and not seen yet');
    await noRawPlaceholder();
    await runAndSee(`curl -s http://192.168.1.2:${port} | grep RemoteAddr`, 'RemoteAddr: 10.244.0.1');
    await page.locator('.check-list .check[data-goal="passed"]').filter({ hasText: `192.168.1.2:${port}` }).waitFor({ timeout: STEP });
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'truth-bound-goal-1440-light.png') });
  });

  it('a "No route to host" goal ticks only on a curl that ended so', async () => {
    await page.goto(`${server.url}#/lessons/06-loadbalancer-bare-metal/3`, { waitUntil: 'load' });
    await page.locator('.step[data-step="3"]').waitFor({ timeout: STEP });
    await readThrough();
    const goal = page.locator('.check-list .check').filter({ hasText: 'curl from laptop to http://192.168.1.240' });
    assert.match(await goal.innerText(), /fails with No route to host/);
    assert.equal(await goal.getAttribute('data-goal'), 'ready', 'nobody has the address: the world already gives it');
    // curl's own timer fires before the kernel gives up on ARP: a timeout.
    await runAndSee('curl --connect-timeout 1 http://192.168.1.240', 'curl: (28)');
    await page.waitForTimeout(300);
    assert.equal(await goal.getAttribute('data-goal'), 'ready', 'a timeout is not No route to host');
    await runAndSee('curl -v http://192.168.1.240', 'No route to host');
    await goal.and(page.locator('[data-goal="passed"]')).waitFor({ timeout: STEP });
    await noRawPlaceholder();
  });

  it('no step of the course shows a placeholder or a Markdown backtick', async () => {
    await page.goto(`${server.url}#/`, { waitUntil: 'load' });
    const ids = await page.evaluate(() => {
      // JSON lines: the index first, each lesson's head with its steps' count.
      const [index] = document.getElementById('servicelab-course').textContent.trim().split('\n');
      return JSON.parse(index).lessons.map((l) => [l.head.id, l.head.steps]);
    });
    assert.ok(ids.length >= 11, `the course has ${ids.length} lessons`);
    const problems = [];
    for (const [id, steps] of ids) {
      for (let n = 1; n <= steps; n++) {
        await page.goto(`${server.url}#/lessons/${id}/${n}`, { waitUntil: 'load' });
        await page.locator(`.step[data-step="${n}"]`).waitFor({ timeout: STEP });
        await readThrough().catch(() => {});
        // Text outside code: no placeholder, no backtick Markdown left raw.
        const raw = await page.evaluate(() => {
          const found = [];
          const walk = document.createTreeWalker(document.querySelector('.lesson-pane'), NodeFilter.SHOW_TEXT);
          for (let t = walk.nextNode(); t; t = walk.nextNode()) {
            const inCode = t.parentElement.closest('code, pre, textarea');
            const text = t.textContent;
            if (/\{(podIP|pod|node|clusterIP|nodePort|loadBalancerIP|endpoints):/.test(text)) found.push(`placeholder: ${text.trim()}`);
            if (!inCode && text.includes('`')) found.push(`backtick: ${text.trim()}`);
          }
          return found;
        });
        problems.push(...raw.map((r) => `${id} step ${n}: ${r}`));
      }
    }
    assert.deepEqual(problems, []);
  });

  it('reported no errors or warnings', () => {
    assert.deepEqual(errors, []);
  });
});
