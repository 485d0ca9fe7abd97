// End to end, the second course's first lesson as a student plays it: the
// release build in dist/ with the course of lessons/, in Debian's headless
// Chromium at 1440 x 900. Lesson 12 (NetworkPolicy, on a Canal world) is
// listed under its own course; step 1 is done by typing; a denied
// connection times out and the Last packet panel names the policy and the
// Felix chain that dropped it; every step is played through its quizzes
// and "Run the solution" to the recap. Screenshots go to
// artifacts/policy-*.png.
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/policy.test.mjs`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIST,
  STEP,
  WIDE,
  collectErrors,
  launchBrowser,
  logShows,
  readThrough,
  runSolution,
  serveStatic,
  shot,
  typeLine,
} from '../lib.mjs';

const LESSON = '12-networkpolicy';

describe('a student plays the NetworkPolicy lesson to its recap', { timeout: 300_000 }, () => {
  let server, browser, page, errors;

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

  it('the home page lists the lesson under its own course', async () => {
    await page.goto(server.url, { waitUntil: 'load' });
    const course = page.locator('section.course', { has: page.getByRole('heading', { name: 'Beyond Services: policy and gateways' }) });
    await course.waitFor({ timeout: STEP });
    assert.equal(await course.locator(`[data-lesson="${LESSON}"]`).count(), 1);
    assert.equal(await page.getByRole('heading', { name: 'Services', exact: true }).count(), 1, 'the first course is named too');
    await shot(page, 'policy-home');
  });

  it('step 1 by typing: everyone may talk', async () => {
    await page.goto(`${server.url}#/lessons/${LESSON}/1`, { waitUntil: 'load' });
    await page.locator('.step[data-step="1"]').waitFor({ timeout: STEP });
    await typeLine(page, 'kubectl exec frontend -- curl -sS http://api');
    await logShows(page, 'Welcome to nginx!');
    await typeLine(page, 'kubectl exec guest -- curl -sS http://api');
    await page.locator('#step-state[data-passed="true"]').waitFor({ timeout: STEP });
  });

  it('step 2: a denied connection times out, and the journey names the policy', async () => {
    await page.getByRole('link', { name: 'Next step →' }).click();
    await page.locator('.step[data-step="2"]').waitFor({ timeout: STEP });
    await readThrough(page);
    await runSolution(page, { timeout: 60_000 });
    // The student's own request, then the Last packet panel.
    await typeLine(page, 'kubectl exec guest -- curl -sS -m 5 http://api');
    await logShows(page, 'curl: (28) Connection timed out after 5001 milliseconds');
    const fix = page.locator('.trace-fix');
    await fix.waitFor({ timeout: STEP });
    const text = await fix.innerText();
    assert.match(text, /NetworkPolicy default\/default-deny-ingress isolates api for ingress/);
    assert.match(text, /no rule of it allows from guest \(10\.244\.0\.3\)/);
    assert.match(text, /at the end of cali-tw-cali[0-9a-f]{11}/);
    await shot(page, 'policy-denied');
  });

  it('steps 3 to 5 through their quizzes and solutions, to the recap', async () => {
    for (const n of [3, 4, 5]) {
      await page.getByRole('link', { name: 'Next step →' }).click();
      await page.locator(`.step[data-step="${n}"]`).waitFor({ timeout: STEP });
      await readThrough(page);
      await runSolution(page, { timeout: 60_000 });
    }
    const card = page.locator('.lesson-complete');
    await card.waitFor({ timeout: STEP });
    assert.match(await card.locator('h4').innerText(), /Lesson finished: NetworkPolicy: who may talk to a pod/);
    assert.match(await card.locator('.recap').innerText(), /allow DNS first/);
    await shot(page, 'policy-complete');
    assert.deepEqual(errors, []);
  });
});
