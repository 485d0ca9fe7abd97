// End to end, the tutorial as a student and an author use it: the release
// build in dist/ playing the fixed course of tests/fixtures/lessons
// (fixtureSite() in lib.mjs), on a local static server, in Debian's
// headless Chromium. A student completes the NodePort lesson by typing and
// by clicking, the check turns green and the before/after table changes;
// reload keeps the progress; a deep link opens its step; a share link
// rebuilds the world in a fresh browser profile; an author previews a
// lesson file on the authors' page (author/), and the student's page only
// links there; axe-core audits every pane (light and dark); the panes stack
// at 360 px; the page works from the keyboard alone. Screenshots of each
// pane go to artifacts/.
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/lessons.test.mjs`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, audit, collectErrors, fixtureSite, launchBrowser, serveStatic } from '../lib.mjs';

const STEP = 20_000;
const LESSON = '#/lessons/02-nodeport';

async function shot(target, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `lessons-${name}.png`);
  // A page in full; a locator (one pane) as it is on screen.
  const isPage = typeof target.goto === 'function';
  await target.screenshot(isPage ? { path: file, fullPage: true } : { path: file });
}

/** A page in a fresh profile, with everything it reports collected. */
async function openPage(server, hash = '', options = {}) {
  const browser = await launchBrowser(options);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors = collectErrors(page);
  await page.goto(server.url + hash, { waitUntil: 'load' });
  const terminal = page.getByRole('textbox', { name: 'Terminal' });
  await terminal.waitFor({ timeout: STEP });
  return { browser, page, errors, terminal, log: page.getByRole('log') };
}

/** openPage for a phone: the terminal is in a pane not shown at first. */
async function openPageAt(server, hash, options) {
  const browser = await launchBrowser(options);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors = collectErrors(page);
  await page.goto(server.url + hash, { waitUntil: 'load' });
  await page.locator('#terminal-input').waitFor({ state: 'attached', timeout: STEP });
  return { browser, page, errors, terminal: page.locator('#terminal-input'), log: page.locator('#terminal-output') };
}

function helpers({ page, terminal, log }) {
  return {
    // Types a command as a person does, then Enter.
    async run(command) {
      await terminal.click();
      await terminal.fill('');
      await terminal.pressSequentially(command);
      await terminal.press('Enter');
    },
    async logShows(text) {
      await log.filter({ hasText: text }).waitFor({ timeout: STEP });
    },
    async stepIs(n) {
      await page.locator(`.step[data-step="${n}"]`).waitFor({ timeout: STEP });
    },
    async passed() {
      await page.locator('#step-state[data-passed="true"]').waitFor({ timeout: STEP });
    },
    probe(i) {
      return page.locator('#probe-table .probe').nth(i);
    },
  };
}

describe('a student and the NodePort lesson', { timeout: 180_000 }, () => {
  let server;
  let student;
  before(async () => {
    server = await serveStatic(await fixtureSite(), { prefix: '/courses/servicelab/' });
  });
  after(async () => {
    await student?.browser.close();
    await server?.close();
  });

  it('completes it by typing; the check turns green and the table changes', async () => {
    student = await openPage(server, `${LESSON}/1`);
    const { page } = student;
    const h = helpers(student);
    await h.stepIs(1);
    await h.run('curl http://192.168.1.2:30008');
    await h.logShows('curl: (7)');
    await h.passed(); // an observation step: done once seen

    await page.getByRole('link', { name: 'Next step →' }).click();
    await h.stepIs(2);
    assert.match(page.url(), /#\/lessons\/02-nodeport\/2$/);
    assert.equal(await page.locator('#step-state').getAttribute('data-passed'), 'false');
    const row = h.probe(0);
    assert.equal((await row.locator('.before').innerText()).trim(), 'connection refused');
    assert.equal((await row.locator('.now').innerText()).trim(), 'connection refused');
    await shot(page, '01-step-before');

    await h.run('kubectl apply -f myapp-service.yaml');
    await h.logShows('service/myapp-service created');
    await h.run('curl http://192.168.1.2:30008');
    await h.logShows('Welcome to nginx!');
    await h.passed();
    assert.equal(await page.locator('.check-list .check[data-passed="false"]').count(), 0);
    await row.locator('.now', { hasText: '200 OK' }).waitFor({ timeout: STEP });
    assert.equal(
      await row.getAttribute('data-summary'),
      'laptop → http://192.168.1.2:30008: connection refused → 200 OK',
    );
    assert.ok(await row.evaluate((r) => r.classList.contains('changed')));
    await shot(page, '02-step-done');
    await shot(page.locator('.lesson-pane'), 'pane-lesson');
    await shot(page.locator('.terminal-pane'), 'pane-terminal');
    await shot(page.locator('.network-pane'), 'pane-network');

    await page.getByRole('link', { name: 'Next step →' }).click();
    await h.stepIs(3);
    await h.run('kubectl get svc');
    await h.logShows('80:30008/TCP');
    await h.passed();
  });

  it('keeps the progress across a reload', async () => {
    const { page } = student;
    const h = helpers(student);
    const before = await student.log.innerText();
    await page.reload({ waitUntil: 'load' });
    await student.terminal.waitFor({ timeout: STEP });
    await h.stepIs(3);
    assert.equal(await student.log.innerText(), before);
    // Steps 1 to 3 are ticked in the step list.
    for (const n of [1, 2, 3]) {
      assert.ok(await page.locator(`.steps-nav li:nth-child(${n})`).evaluate((li) => li.classList.contains('done')));
    }
    // The lesson list says how far the student got.
    await page.getByRole('link', { name: '← All lessons' }).click();
    await page.locator('[data-lesson="02-nodeport"] .lesson-progress').waitFor({ timeout: STEP });
    assert.match(await page.locator('[data-lesson="02-nodeport"] .lesson-progress').innerText(), /at step 3/);
    await shot(page, '03-home-with-progress');
  });

  it('shares the world: the link opens the same world in a fresh browser', async () => {
    const { page } = student;
    await page.locator('[data-lesson="02-nodeport"] a').click();
    await helpers(student).stepIs(3);
    await helpers(student).run('ssh node01');
    await page.getByText('student@node01:~$', { exact: true }).first().waitFor({ timeout: STEP });
    await page.getByRole('button', { name: 'Share' }).click();
    const url = await page.locator('#share-url').inputValue();
    assert.match(url, /#\/share\/[A-Za-z0-9_-]+$/);
    const log = await student.log.innerText();
    const other = await openPage(server, url.slice(server.url.length));
    try {
      await helpers(other).stepIs(3);
      assert.equal(await other.log.innerText(), log);
      assert.equal((await other.page.locator('#terminal-prompt').innerText()).trim(), 'student@node01:~$');
      // The address becomes the lesson's own, so a reload keeps it.
      assert.match(other.page.url(), /#\/lessons\/02-nodeport\/3$/);
      assert.deepEqual(other.errors, []);
    } finally {
      await other.browser.close();
    }
  });

  it('reported no errors or warnings', () => {
    assert.deepEqual(student.errors, []);
  });
});

describe('clicking through the NodePort lesson', { timeout: 120_000 }, () => {
  it('runs commands and applies the manifest from the editor', async () => {
    const server = await serveStatic(await fixtureSite());
    const s = await openPage(server, `${LESSON}/2`);
    const h = helpers(s);
    const { page } = s;
    try {
      await h.stepIs(2);
      // A mistake first: the editor shows the API server's words at the line.
      await page.getByRole('button', { name: 'Edit myapp-service.yaml' }).click();
      const editor = page.locator('#editor-text');
      await editor.waitFor();
      assert.ok(await editor.evaluate((e) => e === document.activeElement), 'the editor takes the focus');
      const manifest = await editor.inputValue();
      await editor.fill(manifest.replace('30008', '40000'));
      await page.getByRole('button', { name: 'Apply', exact: true }).click();
      const line = manifest.split('\n').findIndex((l) => l.includes('30008')) + 1;
      await page.getByRole('button', { name: `Line ${line}` }).waitFor({ timeout: STEP });
      assert.match(await page.locator('#editor-result').innerText(), /provided port is not in the valid range/);
      await shot(page.locator('.terminal-pane'), 'pane-editor-error');
      await editor.fill(manifest);
      await page.getByRole('button', { name: 'Apply', exact: true }).click();
      await page.locator('#editor-result .apply-ok').waitFor({ timeout: STEP });
      // Then the lesson's own buttons.
      await page.getByRole('button', { name: 'Run curl http://192.168.1.2:30008' }).click();
      await h.logShows('Welcome to nginx!');
      await h.passed();
      await h.probe(0).locator('.now', { hasText: '200 OK' }).waitFor({ timeout: STEP });
      // The packet, hop by hop.
      await page.getByRole('button', { name: 'Step through it hop by hop' }).click();
      await page.locator('#hop-detail').waitFor();
      let dnat = false;
      for (let i = 0; i < 20 && !dnat; i++) {
        dnat = /DNAT/.test(await page.locator('#hop-detail').innerText());
        if (!dnat) await page.getByRole('button', { name: 'Next hop' }).click();
      }
      assert.ok(dnat, 'a hop shows the DNAT to the pod');
      assert.equal(await page.locator('#topology .current-hop').count(), 1);
      await shot(page.locator('.network-pane'), 'pane-network-stepping');
      // Undo takes the last command back.
      await page.getByRole('button', { name: 'Undo last command' }).click();
      await page.locator('.notice', { hasText: 'Undid' }).waitFor();
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
      await server.close();
    }
  });
});

describe('other ways in', { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await serveStatic(await fixtureSite());
  });
  after(() => server?.close());

  it('a deep link opens the right step', async () => {
    const s = await openPage(server, '#/lessons/04-clusterip/2');
    try {
      await helpers(s).stepIs(2);
      assert.match(await s.page.locator('#step-title').innerText(), /^Step 2 of 3/);
      assert.equal(await s.page.locator('.steps-nav [aria-current="step"]').count(), 1);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('an author previews a lesson file on the authors\' page and sees the checker messages', async () => {
    // The student's page reads no lesson files: it links to author/, the
    // page built with the lesson parser.
    const s = await openPage(server, 'author/');
    const { page } = s;
    try {
      const broken = '---\ntitle: T\nworld:\n  nodes: 1\n---\n\n## A step\n\n```check\n- pod: {nme: x}\n```\n\n```solution\ntrue\n```\n';
      await page.locator('#lesson-file').setInputFiles({ name: 'my-lesson.md', mimeType: 'text/markdown', buffer: Buffer.from(broken) });
      const file = page.locator('.author-file[data-file="my-lesson.md"]');
      const diagnostics = file.locator('.diagnostics');
      await diagnostics.waitFor({ timeout: STEP });
      const text = await diagnostics.innerText();
      assert.match(text, /my-lesson\.md:10:\d+: unknown field `nme`/);
      assert.match(text, /10 \| - pod: \{nme: x\}\n\s+\| +\^/);
      await diagnostics.scrollIntoViewIfNeeded();
      await shot(page.locator('.author-panel'), 'pane-author-errors');
      const good = broken.replace('nme: x', 'name: x').replace('```check', '```check passes-before');
      await page.locator('#lesson-file').setInputFiles({ name: 'my-lesson.md', mimeType: 'text/markdown', buffer: Buffer.from(good) });
      await page.getByRole('button', { name: 'Play “T”' }).click();
      await page.locator('.preview-badge').waitFor({ timeout: STEP });
      assert.match(page.url(), /\/author\/#\/preview\/1$/);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('the student\'s page opens no lesson files: it links to the authors\' page', async () => {
    const s = await openPage(server);
    const { page } = s;
    try {
      assert.equal(await page.locator('#lesson-file').count(), 0);
      await page.getByRole('link', { name: 'The authors\' page' }).click();
      await page.locator('#lesson-file').waitFor({ state: 'attached', timeout: STEP });
      assert.match(page.url(), /\/author\/$/);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('the sandbox builds the world chosen', async () => {
    const s = await openPage(server);
    const { page } = s;
    try {
      await page.getByText('Sandbox: a world of your own').click();
      await page.getByLabel('Nodes').selectOption('3');
      await page.getByLabel(/A cloud/).check();
      await page.getByRole('button', { name: 'Build this world' }).click();
      await page.locator('#topology [data-host="node03"]').first().waitFor({ timeout: STEP });
      assert.match(page.url(), /#\/sandbox\?nodes=3&cloud=1$/);
      await shot(page, '04-sandbox');
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });
});

describe('for every student', { timeout: 180_000 }, () => {
  let server;
  before(async () => {
    server = await serveStatic(await fixtureSite());
  });
  after(() => server?.close());

  for (const scheme of ['light', 'dark']) {
    it(`axe finds no serious or critical problem in any pane (${scheme})`, async () => {
      const s = await openPage(server, '', { colorScheme: scheme });
      const { page } = s;
      const h = helpers(s);
      const problems = [];
      const check = async (...selectors) => {
        for (const sel of selectors) problems.push(...(await audit(page, sel)));
      };
      try {
        await check('.lesson-pane', '.terminal-pane', '.network-pane', 'header');
        await page.goto(`${server.url}${LESSON}/2`);
        await h.stepIs(2);
        await h.run('curl --connect-timeout 3 http://10.244.0.2');
        await h.logShows('curl: (28)');
        await page.getByRole('button', { name: 'Show a hint (1 of 2)' }).click();
        await page.getByRole('button', { name: 'Show the solution' }).click();
        await page.getByRole('button', { name: 'Yes, show the solution' }).click();
        await page.getByRole('button', { name: 'Edit myapp-service.yaml' }).click();
        await page.getByRole('button', { name: 'Share' }).click();
        await page.getByRole('button', { name: 'Step through it hop by hop' }).click();
        await page.locator('.trace-details summary').click();
        await page.locator('.network-text summary').click();
        await check('.lesson-pane', '.terminal-pane', '.network-pane', 'body');
        await shot(page, `05-all-panes-${scheme}`);
        assert.deepEqual(problems, []);
        assert.deepEqual(s.errors, []);
      } finally {
        await s.browser.close();
      }
    });
  }

  it('at 360 px one pane at a time, and nothing scrolls sideways', async () => {
    const s = await openPageAt(server, `${LESSON}/2`, { viewport: { width: 360, height: 740 } });
    const { page } = s;
    try {
      await helpers(s).stepIs(2);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      const visible = async () => Promise.all(['.lesson-pane', '.terminal-pane', '.network-pane'].map((sel) => page.locator(sel).isVisible()));
      assert.deepEqual(await visible(), [true, false, false], 'the lesson first');
      await page.getByRole('button', { name: 'Terminal', exact: true }).click();
      assert.deepEqual(await visible(), [false, true, false]);
      await page.getByRole('button', { name: 'Network', exact: true }).click();
      assert.deepEqual(await visible(), [false, false, true]);
      await shot(page, '06-narrow-360');
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('works from the keyboard alone, with a visible focus', async () => {
    const s = await openPage(server);
    const { page } = s;
    const tabTo = async (test) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(test)) return;
      }
      throw new Error(`Tab never reached ${test}`);
    };
    try {
      // From the terminal (focused at load), Tab on an empty line moves on.
      assert.equal(await page.evaluate(() => document.activeElement.id), 'terminal-input');
      await page.keyboard.press('Shift+Tab');
      await tabTo(() => document.activeElement.textContent.startsWith('NodePort'));
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'the focused link shows a focus ring');
      await page.keyboard.press('Enter');
      await helpers(s).stepIs(1);
      await tabTo(() => document.activeElement.getAttribute('aria-label') === 'Run curl http://192.168.1.2:30008');
      await page.keyboard.press('Enter');
      await helpers(s).logShows('curl: (7)');
      await tabTo(() => document.activeElement.textContent === 'Next step →');
      await page.keyboard.press('Enter');
      await helpers(s).stepIs(2);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });
});
