// End to end, the Gateway API lesson as a student plays it: the release
// build in dist/ with the course of lessons/, in Debian's headless Chromium
// at 1440 x 900. Lesson 13 is listed under its course; step 1 is done by
// typing (Traefik's 404 before any route); after the routes, the Last
// packet shows the client's connection ending in Traefik's pod and
// Traefik's own connection to the api pod, with the router's rule; every
// step is played through its quizzes and "Run the solution" to the recap.
// Screenshots go to artifacts/gateway-*.png.
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/gateway.test.mjs`.
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

const LESSON = '13-gateway-api';
const LB = "$(kubectl get svc -n traefik traefik -o jsonpath='{.status.loadBalancer.ingress[0].ip}')";

describe('a student plays the Gateway API lesson to its recap', { timeout: 300_000 }, () => {
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
    assert.equal(await course.locator('[data-lesson="14-ingress-to-gateway"]').count(), 1);
  });

  it("step 1 by typing: Traefik answers 404 before any route", async () => {
    await page.goto(`${server.url}#/lessons/${LESSON}/1`, { waitUntil: 'load' });
    await page.locator('.step[data-step="1"]').waitFor({ timeout: STEP });
    await readThrough(page);
    await typeLine(page, `curl -sS http://${LB}/`);
    await logShows(page, '404 page not found');
    await page.locator('#step-state[data-passed="true"]').waitFor({ timeout: STEP });
  });

  it('step 2: routes by path, and the journey shows Traefik\'s own connection', async () => {
    await page.getByRole('link', { name: 'Next step →' }).click();
    await page.locator('.step[data-step="2"]').waitFor({ timeout: STEP });
    await readThrough(page);
    await runSolution(page, { timeout: 60_000 });
    await typeLine(page, `curl -sS http://${LB}/api`);
    await logShows(page, 'api');
    const hops = page.locator('.trace-details .hops');
    await hops.waitFor({ state: 'attached', timeout: STEP });
    const text = await hops.textContent();
    assert.match(text, /traefik proxies it: router httproute-default-shop-gw-default-shop-ep-web-0-[0-9a-f]{10}, rule \(Path\("\/api"\) \|\| PathPrefix\("\/api\/"\)\) → default\/api:80, new connection 10\.244\.\d+\.\d+:\d+ → 10\.244\.\d+\.\d+:80/);
    assert.ok(
      (await page.locator('.trace-details .hop[data-hop-host^="api-"]').count()) >= 1,
      'a hop on the api pod',
    );
    await shot(page, 'gateway-proxied');
  });

  it('steps 3 and 4 through their quizzes and solutions, to the recap', async () => {
    for (const n of [3, 4]) {
      await page.getByRole('link', { name: 'Next step →' }).click();
      await page.locator(`.step[data-step="${n}"]`).waitFor({ timeout: STEP });
      await readThrough(page);
      await runSolution(page, { timeout: 60_000 });
    }
    const card = page.locator('.lesson-complete');
    await card.waitFor({ timeout: STEP });
    assert.match(await card.locator('h4').innerText(), /Lesson finished: The Gateway API: many apps behind one address/);
    await shot(page, 'gateway-complete');
    assert.deepEqual(errors, []);
  });
});
