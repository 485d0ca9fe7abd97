// End to end, the first screen painted from the HTML before the wasm has
// run (issue 22; src/prerender.rs, written into dist/index.html by
// servicelab build): the release build in dist/ with the course in
// lessons/, in Debian's headless Chromium.
//
// With JavaScript disabled a lesson's deep link shows that lesson's title
// and that step's text, and the home page lists every lesson. With
// JavaScript, the wasm held back, the address's step shows from the HTML
// (a non-canonical address too); once the wasm runs the app takes the page
// over: the same title in the same place, the same text, the terminal
// takes input, and nothing of the prerendered page is left.
//
// Expected texts come from the course data in dist/index.html, so the test
// follows the lessons as they change.
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/first-screen.test.mjs`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { COURSE_ELEMENT, DIST, courseLessons, STEP, WIDE, collectErrors, launchBrowser, logShows, serveStatic, shot, typeLine } from '../lib.mjs';

const lessons = courseLessons(COURSE_ELEMENT.exec(await readFile(path.join(DIST, 'index.html'), 'utf8'))[2]);
// The second lesson at its second step: neither the first lesson nor its first step.
const LESSON = lessons[1];
const STEP_N = 2;
const DEEP = `#/lessons/${LESSON.id}/${STEP_N}`;
const STEP_HEADING = `Step ${STEP_N} of ${LESSON.steps.length}: ${LESSON.steps[STEP_N - 1].title}`;

async function open(server, hash, options = {}) {
  const browser = await launchBrowser({ viewport: WIDE, ...options });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors = collectErrors(page);
  return { browser, page, errors, go: () => page.goto(server.url + hash, { waitUntil: 'load' }) };
}

/** The shown lesson pane's title, step heading and step text. */
async function lessonPane(page) {
  const pane = page.locator('#lesson-pane');
  const title = pane.getByRole('heading', { level: 2, name: LESSON.title, exact: true });
  const step = pane.getByRole('heading', { level: 3, name: STEP_HEADING, exact: true });
  const text = pane.locator('.step-text:visible');
  return { pane, title, step, text };
}

describe('the first screen, from the HTML alone', () => {
  let server;
  before(async () => {
    server = await serveStatic(DIST);
  });
  after(async () => server?.close());

  it('a lesson deep link is readable with JavaScript disabled', async () => {
    const { browser, page, go } = await open(server, DEEP, { javaScriptEnabled: false });
    try {
      await go();
      const { title, step, text } = await lessonPane(page);
      await title.waitFor({ timeout: STEP });
      assert.ok(await step.isVisible(), `${STEP_HEADING} is shown`);
      const words = (await text.innerText()).trim();
      assert.ok(words.length > 40, `the step's text is there: ${words}`);
      // Only that step: the other steps and the home page are not shown.
      assert.equal(await page.locator('.step-text:visible').count(), 1);
      assert.equal(await page.getByRole('heading', { name: 'See how a Kubernetes Service moves a packet' }).isVisible(), false);
      // The lesson pane was not scrolled to the address's target.
      assert.equal(await page.locator('#lesson-pane').evaluate((e) => e.scrollTop), 0);
      // The terminal's place says why it does not run.
      assert.match(await page.locator('#terminal-pane').innerText(), /needs JavaScript and WebAssembly/);
      await shot(page, 'first-screen-no-js-lesson');
    } finally {
      await browser.close();
    }
  });

  it('the home page lists every lesson with JavaScript disabled', async () => {
    const { browser, page, go } = await open(server, '', { javaScriptEnabled: false });
    try {
      await go();
      const home = page.locator('#lesson-pane');
      await home.getByRole('heading', { name: 'See how a Kubernetes Service moves a packet' }).waitFor({ timeout: STEP });
      for (const l of lessons) {
        assert.ok(await home.getByRole('link', { name: l.title, exact: true }).isVisible(), l.title);
      }
      assert.equal(await page.locator('.step-text:visible').count(), 0);
      await shot(page, 'first-screen-no-js-home');
    } finally {
      await browser.close();
    }
  });

  it('the app takes the prerendered page over in place, and behaves as before', async () => {
    // A non-canonical address (no leading slash, a trailing one): the
    // page's script reads it as the app does.
    const { browser, page, errors, go } = await open(server, `#lessons/${LESSON.id}/${STEP_N}/`);
    try {
      let release;
      const held = new Promise((r) => (release = r));
      await browser.context.route('**/*.wasm', async (route) => {
        await held;
        await route.continue();
      });
      const loading = go();
      const { title, step, text } = await lessonPane(page);
      await step.waitFor({ timeout: STEP });
      assert.ok(await page.locator('.pre-app').isVisible(), 'the prerendered page, while the wasm is held back');
      assert.match(await page.locator('#terminal-output').innerText(), /The terminal is starting/);
      const before = {
        title: await title.boundingBox(),
        step: await step.boundingBox(),
        text: (await text.innerText()).trim(),
      };
      await shot(page, 'first-screen-before-wasm');
      release();
      await loading;
      const input = page.getByRole('textbox', { name: 'Terminal' });
      await input.waitFor({ timeout: STEP });
      assert.equal(await page.locator('.pre-app').count(), 0, 'nothing prerendered is left');
      assert.equal(await page.getByRole('heading', { level: 2, name: LESSON.title, exact: true }).count(), 1);
      const afterBoxes = { title: await title.boundingBox(), step: await step.boundingBox() };
      assert.deepEqual(afterBoxes.title, before.title, 'the title stays in place');
      assert.deepEqual(afterBoxes.step, before.step, 'the step heading stays in place');
      // The same text, but for the values the student's world fills in.
      const now = (await text.innerText()).trim();
      const fill = (s) => s.replace(/<[^<>\n]*>/g, '…').replace(/\b\d+(\.\d+){3}(:\d+)?\b|\b\d{5}\b/g, '…');
      assert.equal(fill(now), fill(before.text));
      // The app behaves: a command runs and answers.
      await typeLine(page, 'echo $((6 * 7)) answers');
      await logShows(page, '42 answers');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
