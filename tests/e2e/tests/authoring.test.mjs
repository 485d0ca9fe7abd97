// End to end, a course of one's own (issue 13): what an author does with
// the release build in dist/, in Debian's headless Chromium at 1440 x 900.
//
// `servicelab build` publishes a folder with one new lesson into a copy of
// dist/: the page lists that lesson alone, plays it (a command runs, a goal
// ticks) and the authors' page there shows the same course. The authors'
// page (author/ in dist) shows a parse error with its line and caret and a
// replay error in full, and "Play from step N" opens that step (todo tests
// record what it does not do yet: axe on its diagnostics, keeping the files
// opened after a file is played, reading a file again after an edit). A site
// whose course is garbage says so on its home page (`.course-problem`),
// without a console error or a panic, and its sandbox still works.
// Screenshots of the authors' page with its diagnostics, light and dark, go
// to artifacts/authoring-*.png.
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/authoring.test.mjs`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ARTIFACTS, COURSE_ELEMENT, DIST, STEP, WIDE, audit, collectErrors, copyDist, launchBrowser, openApp, servePython, serveStatic, servicelabBuild, typeLine,
} from '../lib.mjs';

// A lesson written outside the repository's course: one step, one command
// and a goal of each kind (state, and a request the student must make).
const OWN = `---
title: "A course of my own"
summary: One lesson, built into a copy of the site by servicelab build.
minutes: 5
world:
  nodes: 1
  pods:
  - name: web
    image: nginx
    node: node01
    labels: {app: web}
---

A lesson written outside the repository's course.

## Open the web pod on node01

Expose the pod on a node port, then ask for it from the laptop.

\`\`\`console
$ kubectl expose pod web --port=80 --type=NodePort --name=web
$ curl http://192.168.1.2:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')
\`\`\`

\`\`\`check
- service: {name: web, type: NodePort}
- request: {from: laptop, url: "http://192.168.1.2:{nodePort:web}", expect: 200}
\`\`\`

\`\`\`solution
kubectl expose pod web --port=80 --type=NodePort --name=web
curl http://192.168.1.2:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')
\`\`\`

\`\`\`recap
- \`kubectl expose\` writes the Service for you.
\`\`\`
`;

// A misspelt block: the parser stops it (line 9, column 4).
const PARSE = `---
title: Parse
world:
  nodes: 1
---

## A step

\`\`\`chek
- at: laptop
\`\`\`
`;

// It parses, but step 2's solution does not reach its check (line 25).
const REPLAY = `---
title: "Two steps, one wrong"
world:
  nodes: 1
  pods:
  - name: web
    image: nginx
    node: node01
    labels: {app: web}
---

## Look around

\`\`\`console
$ kubectl get pods
\`\`\`

\`\`\`check passes-before
- pod: {name: web}
\`\`\`

## Expose the pod

\`\`\`check
- service: {name: web, type: NodePort, port: 80}
\`\`\`

\`\`\`solution
kubectl expose pod web --port=8080 --type=NodePort --name=web
\`\`\`
`;

// What servicelab check prints for them, as the page must show it.
const PARSE_SAYS = [
  'parse.md:9:4: unknown block `chek`, did you mean `check`?',
  '  |',
  '9 | ```chek',
  '  |    ^',
].join('\n');
const REPLAY_SAYS = [
  'replay.md:25:3: after the solution, check failed: a NodePort Service named web with port 80: web exposes port 8080, not 80',
  '   |',
  '25 | - service: {name: web, type: NodePort, port: 80}',
  '   |   ^',
].join('\n');

/** Scrolls `locator`'s pane (the pane alone, not the page) to show it at the top. */
async function scrollPaneTo(locator) {
  await locator.evaluate((e) => {
    const pane = e.closest('.pane');
    pane.scrollTop += e.getBoundingClientRect().top - pane.getBoundingClientRect().top - 16;
  });
}

describe('a course of one\'s own, published with servicelab build', { timeout: 180_000 }, () => {
  let dir, site, built, server;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'servicelab-own-course-'));
    const lessons = path.join(dir, 'my-course');
    await mkdir(lessons);
    await writeFile(path.join(lessons, '01-my-own.md'), OWN);
    site = await copyDist(path.join(dir, 'my-site'));
    built = await servicelabBuild(lessons, site);
    server = await serveStatic(site);
  });

  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('servicelab build checks the lesson and writes the course into the copy', async () => {
    assert.match(built, /^checked 1 lesson \(1 steps?\): no problems$/m);
    assert.match(built, /wrote the course into .*my-site\/index\.html/);
    const [, , course] = COURSE_ELEMENT.exec(await readFile(path.join(site, 'index.html'), 'utf8'));
    assert.match(course, /"A course of my own"/);
    assert.doesNotMatch(course, /NodePort: open the node to the laptop/, 'the course of lessons/ is gone');
    // dist/ itself is untouched.
    assert.match(await readFile(path.join(DIST, 'index.html'), 'utf8'), /NodePort: open the node to the laptop/);
  });

  it('the page lists that lesson alone and plays it: a command runs, a goal ticks', async () => {
    const s = await openApp(server.url);
    const { page } = s;
    try {
      const items = page.locator('.lesson-list .lesson-item');
      await items.first().waitFor({ timeout: STEP });
      assert.equal(await items.count(), 1);
      assert.equal(await items.first().getAttribute('data-lesson'), '01-my-own');
      assert.match(await items.first().innerText(), /A course of my own\n[\s\S]*One lesson, built into a copy of the site/);
      assert.equal(await page.locator('.course-problem').count(), 0);
      await page.getByRole('link', { name: 'Start the first lesson: “A course of my own” →' }).click();
      await page.locator('.step[data-step="1"]').waitFor({ timeout: STEP });
      assert.match(page.url(), /#\/lessons\/01-my-own\/1$/);
      assert.match(await page.locator('#step-title').innerText(), /^Step 1 of 1: Open the web pod on node01$/);
      const goals = page.locator('.check-list .check');
      assert.equal(await goals.count(), 2);
      assert.equal(await page.locator('.check-list .check[data-goal="passed"]').count(), 0);

      // The lesson's own button, then the student's own curl.
      await page.getByRole('button', { name: 'Run kubectl expose pod web --port=80 --type=NodePort --name=web' }).click();
      await page.locator('#terminal-output').getByText('service/web exposed').waitFor({ timeout: STEP });
      await goals.nth(0).and(page.locator('[data-goal="passed"]')).waitFor({ timeout: STEP });
      assert.equal(await goals.nth(1).getAttribute('data-goal'), 'ready', 'the request is ready, not yet seen');
      await typeLine(page, "curl -s http://192.168.1.2:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')");
      await page.locator('#terminal-output').getByText('Welcome to nginx!').first().waitFor({ timeout: STEP });
      await page.locator('#step-state[data-passed="true"]').waitFor({ timeout: STEP });
      // The only lesson, finished: its recap, and the way back to the list.
      const card = page.locator('.lesson-complete');
      await card.waitFor({ timeout: STEP });
      assert.match(await card.innerText(), /kubectl expose writes the Service for you\./);
      assert.equal(await card.getByRole('link', { name: 'All lessons' }).count(), 1);
      assert.equal(await card.locator('.next-lesson').count(), 0, 'no next lesson');
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('its authors\' page has the same course', async () => {
    const s = await openApp(`${server.url}author/`);
    try {
      const items = s.page.locator('.lesson-list .lesson-item');
      await items.first().waitFor({ timeout: STEP });
      assert.equal(await items.count(), 1);
      assert.equal(await items.first().getAttribute('data-lesson'), '01-my-own');
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });
});

describe('a course published from the authors\' page, with nothing installed', { timeout: 180_000 }, () => {
  let dir, server, published;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'servicelab-browser-publish-'));
    const lessons = path.join(dir, 'my-course');
    await mkdir(lessons);
    await writeFile(path.join(lessons, '01-my-own.md'), OWN);
    await writeFile(path.join(lessons, 'README.md'), '# My course\n\nNot a lesson: skipped.\n');
    server = await serveStatic(DIST, { prefix: '/somewhere/' });
  });

  after(async () => {
    await server?.close();
    await published?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a folder opened on the authors\' page is checked and becomes a downloaded site', async () => {
    const s = await openApp(`${server.url}author/`);
    const { page } = s;
    try {
      const button = page.getByRole('button', { name: 'Download a site with these 1 lesson(s)' });
      await page.locator('#lesson-folder').setInputFiles(path.join(dir, 'my-course'));
      await page.locator('.author-file[data-file="01-my-own.md"].clean').waitFor({ timeout: STEP });
      assert.equal(await page.locator('.author-file').count(), 1, 'README.md is not a lesson');
      assert.ok(await button.isEnabled());
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP }), button.click()]);
      assert.equal(download.suggestedFilename(), 'servicelab-site.zip');
      const zip = path.join(dir, 'site.zip');
      await download.saveAs(zip);
      await page.locator('.publish-status').getByText(/^Downloaded servicelab-site\.zip: \d+ files/).waitFor({ timeout: STEP });
      // Unzipped into a fresh folder, as an author would.
      const out = path.join(dir, 'unzipped');
      await promisify(execFile)('python3', ['-m', 'zipfile', '-e', zip, out]);
      const index = await readFile(path.join(out, 'servicelab-site', 'index.html'), 'utf8');
      const [, , course] = COURSE_ELEMENT.exec(index);
      assert.match(course, /"A course of my own"/);
      assert.doesNotMatch(course, /NodePort: open the node to the laptop/, 'the site\'s own course is replaced');
      published = await servePython(path.join(out, 'servicelab-site'));
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('the downloaded site, served by a static server, plays the new lesson', async () => {
    const s = await openApp(published.url);
    const { page } = s;
    try {
      const items = page.locator('.lesson-list .lesson-item');
      await items.first().waitFor({ timeout: STEP });
      assert.equal(await items.count(), 1);
      assert.equal(await items.first().getAttribute('data-lesson'), '01-my-own');
      await page.goto(`${published.url}#/lessons/01-my-own/1`, { waitUntil: 'load' });
      await page.locator('.step[data-step="1"]').waitFor({ timeout: STEP });
      await page.getByRole('button', { name: 'Run kubectl expose pod web --port=80 --type=NodePort --name=web' }).click();
      await page.locator('#terminal-output').getByText('service/web exposed').waitFor({ timeout: STEP });
      await typeLine(page, "curl -s http://192.168.1.2:$(kubectl get svc web -o jsonpath='{.spec.ports[0].nodePort}')");
      await page.locator('#step-state[data-passed="true"]').waitFor({ timeout: STEP });
      // Its authors' page has the same course.
      await page.goto(`${published.url}author/`, { waitUntil: 'load' });
      await page.locator('.lesson-list .lesson-item').first().waitFor({ timeout: STEP });
      assert.equal(await page.locator('.lesson-list .lesson-item').count(), 1);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('a folder with a broken lesson cannot be published, and says why', async () => {
    const s = await openApp(`${server.url}author/`);
    const { page } = s;
    try {
      await page.locator('#lesson-file').setInputFiles([
        { name: 'parse.md', mimeType: 'text/markdown', buffer: Buffer.from(PARSE) },
      ]);
      await page.locator('.author-file[data-file="parse.md"]').waitFor({ timeout: STEP });
      assert.ok(await page.getByRole('button', { name: /^Download a site with these/ }).isDisabled());
      assert.match(await page.locator('.publish-status').innerText(), /1 file\(s\) still have problems/);
    } finally {
      await s.browser.close();
    }
  });
});

describe('the authors\' page (author/ in dist)', { timeout: 180_000 }, () => {
  let server;
  before(async () => {
    server = await serveStatic(DIST, { prefix: '/course/' });
  });
  after(() => server?.close());

  it('shows a parse error with its line and caret and a replay error in full; "Play from step 2" opens step 2', async () => {
    const s = await openApp(`${server.url}author/`);
    const { page } = s;
    try {
      assert.equal(await page.title(), 'servicelab — the authors\' page');
      await page.locator('#lesson-file').setInputFiles([
        { name: 'parse.md', mimeType: 'text/markdown', buffer: Buffer.from(PARSE) },
        { name: 'replay.md', mimeType: 'text/markdown', buffer: Buffer.from(REPLAY) },
      ]);
      const parse = page.locator('.author-file[data-file="parse.md"]');
      const replay = page.locator('.author-file[data-file="replay.md"]');
      await replay.waitFor({ timeout: STEP });
      assert.equal((await parse.locator('.author-file-summary').innerText()).trim(), 'parse.md: 1 problem(s)');
      assert.equal((await parse.locator('.diagnostics pre').textContent()), PARSE_SAYS);
      assert.equal(await parse.getByRole('button', { name: /^Play/ }).count(), 0, 'a file that does not parse cannot be played');
      assert.equal((await replay.locator('.author-file-summary').innerText()).trim(), 'replay.md: 1 problem(s)');
      assert.equal((await replay.locator('.diagnostics pre').textContent()), REPLAY_SAYS);
      assert.equal(await replay.getByRole('button', { name: 'Play “Two steps, one wrong”' }).count(), 1);

      await mkdir(ARTIFACTS, { recursive: true });
      await scrollPaneTo(page.locator('.author-panel'));
      for (const colorScheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme });
        await page.screenshot({ path: path.join(ARTIFACTS, `authoring-diagnostics-1440-${colorScheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });

      await replay.getByRole('button', { name: 'Play from step 2: Expose the pod' }).click();
      await page.locator('.step[data-step="2"]').waitFor({ timeout: STEP });
      assert.match(page.url(), /\/course\/author\/#\/preview\/2$/);
      assert.equal((await page.locator('#step-title').innerText()).trim(), 'Step 2 of 2: Expose the pod');
      assert.equal((await page.locator('.preview-badge').innerText()).trim(), 'Preview of replay.md, opened from disk');
      assert.equal(await page.locator('.lesson-head .diagnostics pre').textContent(), REPLAY_SAYS);
      assert.equal(await page.locator('.steps-nav [aria-current="step"]').innerText(), 'Expose the pod');
      for (const colorScheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme });
        await page.screenshot({ path: path.join(ARTIFACTS, `authoring-play-step-2-1440-${colorScheme}.png`) });
      }
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });

  it('axe finds nothing serious or critical in the authors\' panel with diagnostics, light and dark', async () => {
    const s = await openApp(`${server.url}author/`);
    try {
      await s.page.locator('#lesson-file').setInputFiles([
        { name: 'parse.md', mimeType: 'text/markdown', buffer: Buffer.from(PARSE) },
        { name: 'replay.md', mimeType: 'text/markdown', buffer: Buffer.from(REPLAY) },
      ]);
      await s.page.locator('.author-file[data-file="replay.md"] .diagnostics').waitFor({ timeout: STEP });
      const problems = [];
      for (const colorScheme of ['light', 'dark']) {
        await s.page.emulateMedia({ colorScheme });
        problems.push(...(await audit(s.page, '.author-panel')).map((p) => `${colorScheme}: ${p}`));
      }
      assert.deepEqual(problems, []);
    } finally {
      await s.browser.close();
    }
  });

  it('back from playing a file, the panel still has the files opened', async () => {
    const s = await openApp(`${server.url}author/`);
    const { page } = s;
    try {
      await page.locator('#lesson-file').setInputFiles([
        { name: 'parse.md', mimeType: 'text/markdown', buffer: Buffer.from(PARSE) },
        { name: 'replay.md', mimeType: 'text/markdown', buffer: Buffer.from(REPLAY) },
      ]);
      await page.getByRole('button', { name: 'Play from step 2: Expose the pod' }).click();
      await page.locator('.step[data-step="2"]').waitFor({ timeout: STEP });
      await page.getByRole('link', { name: '← All lessons' }).click();
      await page.locator('.author-panel').waitFor({ timeout: STEP });
      assert.equal(await page.locator('.author-file').count(), 2, 'parse.md and replay.md, with their problems');
    } finally {
      await s.browser.close();
    }
  });

  it('Reload reads a lesson file again after the author edited it', { todo: 'browser limit: Chromium refuses to read a file picked with <input type=file> again once it changed on disk (the page says to open it again; files opened to follow, below, reload)' }, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'servicelab-author-'));
    const file = path.join(dir, 'replay.md');
    const s = await openApp(`${server.url}author/`);
    try {
      await writeFile(file, REPLAY);
      await s.page.locator('#lesson-file').setInputFiles(file);
      const summary = s.page.locator('.author-file[data-file="replay.md"] .author-file-summary');
      await summary.waitFor({ timeout: STEP });
      assert.equal((await summary.innerText()).trim(), 'replay.md: 1 problem(s)');
      // The author fixes the solution in their editor, then Reload.
      await new Promise((r) => setTimeout(r, 1100));
      await writeFile(file, REPLAY.replace('--port=8080', '--port=80'));
      await s.page.getByRole('button', { name: 'Reload replay.md' }).click();
      await s.page.waitForFunction((el) => !/1 problem/.test(el.textContent), await summary.elementHandle(), { timeout: STEP });
      assert.equal((await summary.innerText()).trim(), 'replay.md: no problems (every step\'s solution replays)');
    } finally {
      await s.browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('files opened to follow are read again by themselves when they change (File System Access)', async () => {
    const browser = await launchBrowser({ viewport: WIDE });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors = collectErrors(page);
    try {
      // The picker is the browser's own dialog, which a test cannot click:
      // it is replaced by one that hands out handles whose getFile() reads
      // what the "disk" holds now, as FileSystemFileHandle does.
      await page.addInitScript((text) => {
        window.__disk = { text, modified: 1 };
        window.__reads = 0;
        window.showOpenFilePicker = async () => [{
          kind: 'file',
          name: 'replay.md',
          getFile: async () => {
            window.__reads += 1;
            return new File([window.__disk.text], 'replay.md', { lastModified: window.__disk.modified });
          },
        }];
      }, REPLAY);
      await page.goto(`${server.url}author/`, { waitUntil: 'load' });
      await page.getByRole('button', { name: 'Open lesson files to follow…' }).click();
      const summary = page.locator('.author-file[data-file="replay.md"] .author-file-summary');
      await summary.waitFor({ timeout: STEP });
      assert.equal((await summary.innerText()).trim(), 'replay.md: 1 problem(s)');
      // The author saves a fix in their editor; no click.
      await page.evaluate((text) => { window.__disk = { text, modified: 2 }; }, REPLAY.replace('--port=8080', '--port=80'));
      await page.waitForFunction((el) => !/1 problem/.test(el.textContent), await summary.elementHandle(), { timeout: STEP });
      assert.equal((await summary.innerText()).trim(), 'replay.md: no problems (every step\'s solution replays)');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});

describe('a site whose course is damaged', { timeout: 120_000 }, () => {
  let dir, server;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'servicelab-corrupt-'));
    const site = await copyDist(path.join(dir, 'site'));
    const index = path.join(site, 'index.html');
    const html = await readFile(index, 'utf8');
    assert.match(html, COURSE_ELEMENT);
    await writeFile(index, html.replace(COURSE_ELEMENT, (_, open, _course, close) => `${open}{"format": 1, "lessons": [garbage${close}`));
    server = await serveStatic(site);
  });
  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says the course could not be read, with no console error and no panic; the sandbox works', async () => {
    const s = await openApp(server.url);
    const { page } = s;
    try {
      const problem = page.locator('.course-problem');
      await problem.waitFor({ timeout: STEP });
      assert.match(await problem.innerText(), /^This site's course could not be read: the course data is not valid JSON \(.+\)\. The sandbox below still works\.$/);
      assert.equal(await problem.getAttribute('role'), 'alert');
      assert.equal(await page.locator('.lesson-list .lesson-item').count(), 0);
      assert.equal(await page.locator('.start-link').count(), 0, 'no lesson to start');
      // The terminal and the sandbox still work.
      await typeLine(page, 'hostname');
      await page.locator('#terminal-output').getByText('laptop', { exact: true }).waitFor({ timeout: STEP });
      await page.getByText('Sandbox: a world of your own').click();
      await page.getByLabel('Nodes').selectOption('2');
      await page.getByRole('button', { name: 'Build this world' }).click();
      await page.locator('#topology [data-host="node02"]').first().waitFor({ timeout: STEP });
      // A link to a lesson of the course that could not be read.
      await page.goto(`${server.url}#/lessons/01-the-world/1`);
      await page.locator('.notice', { hasText: 'There is no lesson “01-the-world”' }).waitFor({ timeout: STEP });
      await problem.waitFor({ timeout: STEP });
      assert.equal(await page.locator('.panic-banner, .crash-overlay').count(), 0);
      assert.deepEqual(s.errors, [], 'nothing in the console');
    } finally {
      await s.browser.close();
    }
  });
});
