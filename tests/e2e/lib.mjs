// Shared by the end-to-end tests and scripts/measure.sh: serve dist/ on a
// free 127.0.0.1 port, and start Debian's headless Chromium through
// playwright-core (never a browser download).
import { createServer } from 'node:http';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const DIST = path.resolve(process.env.SERVICELAB_DIST ?? path.join(ROOT, 'dist'));
export const ARTIFACTS = path.join(here, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The fixed course the UI-mechanics tests play (the lessons as they were
 * when those tests were written), and where fixtureSite() builds it. */
export const FIXTURE_LESSONS = path.join(ROOT, 'tests/fixtures/lessons');
export const FIXTURE_SITE = path.join(ROOT, 'target/e2e-fixture-site');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// What this machine's closed network needs: without the background-networking
// flags Chromium keeps trying to reach Google's hosts.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * A tiny static file server for `dir`, mounted under `prefix` (a path that
 * starts and ends with "/"), like a site published in a sub-folder. Only
 * GET/HEAD of files below `dir`; everything else is 404.
 * Resolves to { url, close() }; `url` ends with `prefix`.
 */
export async function serveStatic(dir, { prefix = '/', precompressed = false } = {}) {
  const root = path.resolve(dir);
  await stat(path.join(root, 'index.html')); // fail early on a missing build
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let rel = decodeURIComponent(url.pathname);
      if (!rel.startsWith(prefix)) throw Object.assign(new Error('outside prefix'), { code: 'ENOENT' });
      rel = rel.slice(prefix.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const file = path.resolve(root, rel);
      if (file !== root && !file.startsWith(root + path.sep)) throw Object.assign(new Error('escape'), { code: 'ENOENT' });
      // With `precompressed`, a client that accepts brotli or gzip gets the
      // .br or .gz servicelab build wrote beside the file, as a static
      // server configured for them would send it.
      const accepts = String(req.headers['accept-encoding'] ?? '');
      let body = await readFile(file);
      let encoding;
      for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']]) {
        if (!precompressed || encoding || !accepts.includes(enc)) continue;
        try {
          body = await readFile(file + ext);
          encoding = enc;
        } catch {}
      }
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(err.code === 'ENOENT' || err.code === 'EISDIR' ? 404 : 500, { 'content-type': 'text/plain' });
      res.end(String(err.code ?? err));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * `python3 -m http.server -d dir` on a free port: the plainest static server
 * there is, as a reader of the README would use it.
 */
export async function servePython(dir) {
  const child = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', dir, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`python3 http.server did not start: ${out}`)), 10_000);
    const onData = (chunk) => {
      out += chunk;
      const m = /port (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => { out += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`python3 http.server exited ${code}: ${out}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => { child.kill('SIGTERM'); if (child.exitCode === null) await once(child, 'exit'); },
  };
}

/**
 * Debian's Chromium, headless, in a fresh user-data dir that is removed on
 * close(). Returns { context, close() } (a persistent context: its own
 * profile, its own cache).
 */
export async function launchBrowser(options = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'servicelab-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Records everything the page reports as a problem: console errors and
 * warnings, uncaught exceptions, failed requests and HTTP errors for its own
 * assets.
 */
export function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    // The page must be silent in normal use: no errors and no warnings.
    if (msg.type() === 'error' || msg.type() === 'warning') errors.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.stack ?? err}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return errors;
}

/**
 * Runs `servicelab build LESSONS --site SITE [flags]` from the repository's
 * root (through cargo, which builds the CLI if it has to). Resolves to its
 * output; rejects with it when the build fails.
 */
export function servicelabBuild(lessons, site, flags = ['--no-compress']) {
  return new Promise((resolve, reject) => {
    execFile(
      'cargo',
      ['run', '--quiet', '--bin', 'servicelab', '--', 'build', lessons, '--site', site, ...flags],
      { cwd: ROOT, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const out = `${stdout}${stderr}`;
        if (err) reject(new Error(`servicelab build ${lessons} --site ${site} failed (${err.code}):\n${out}`));
        else resolve(out);
      },
    );
  });
}

/** A copy of dist/ at `dir` (replacing whatever was there). */
export async function copyDist(dir) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await cp(DIST, dir, { recursive: true });
  return dir;
}

// Which run of the tests this process belongs to: `node --test` runs each
// file in a child process of one runner, so the runner's pid names the run.
const RUN = process.env.NODE_TEST_CONTEXT ? `runner ${process.ppid}` : `process ${process.pid}`;
let fixture;

/**
 * The site the UI-mechanics tests play: a copy of dist/ in
 * target/e2e-fixture-site whose course is tests/fixtures/lessons (built by
 * `servicelab build`), so that rewriting the real course does not move
 * them. Made once per run of the tests (the first test file to ask makes
 * it; the others find its stamp), and again whenever dist/ or the fixture
 * lessons change. Resolves to the site's directory.
 */
export function fixtureSite() {
  fixture ??= (async () => {
    const hash = createHash('sha256').update(RUN);
    for (const f of ['index.html', 'author/index.html']) hash.update(await readFile(path.join(DIST, f)).catch(() => ''));
    for (const f of (await readdir(FIXTURE_LESSONS)).sort()) hash.update(f).update(await readFile(path.join(FIXTURE_LESSONS, f)));
    const key = hash.digest('hex');
    const stampFile = path.join(FIXTURE_SITE, '.e2e-stamp');
    if ((await readFile(stampFile, 'utf8').catch(() => '')) === key) return FIXTURE_SITE;
    // Built aside and renamed into place, so no test ever serves half a site.
    const staging = `${FIXTURE_SITE}.${process.pid}`;
    await copyDist(staging);
    await servicelabBuild(path.relative(ROOT, FIXTURE_LESSONS), staging);
    await writeFile(path.join(staging, '.e2e-stamp'), key);
    await rm(FIXTURE_SITE, { recursive: true, force: true });
    await rename(staging, FIXTURE_SITE);
    return FIXTURE_SITE;
  })();
  return fixture;
}

/** A page's course, as `servicelab build` wrote it into `html`. */
export const COURSE_ELEMENT = /(<script type="application\/json" id="servicelab-course">)([\s\S]*?)(<\/script>)/;

/**
 * The course data's lessons, from the element's text: JSON lines, the index
 * first, then one line per lesson (engine/src/lesson/course.rs).
 */
export function courseLessons(text) {
  const [, ...lessons] = text.trim().split('\n');
  return lessons.map((line) => JSON.parse(line));
}

/**
 * axe-core's serious and critical violations in `selector` (one or more
 * CSS selectors), in words: [] when there are none.
 */
export async function audit(page, ...selectors) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const problems = [];
  for (const selector of selectors) {
    const found = await page.evaluate(
      async (sel) => (await window.axe.run(sel, { resultTypes: ['violations'] })).violations,
      selector,
    );
    problems.push(
      ...found
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${selector}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    );
  }
  return problems;
}

// --- What the page tests share -------------------------------------------
// The conventions: a test opens the app with openApp (its own browser, a
// fresh profile, every page error collected), types with typeLine as a
// person does (focus, clear, keys, Enter), waits for output with logShows,
// and saves screenshots with shot under artifacts/.

/** How long one step of a test may wait for the page (a cold wasm start included). */
export const STEP = 20_000;
/** A laptop's screen. */
export const WIDE = { width: 1440, height: 900 };

/**
 * Opens `url` in a new browser (launchBrowser's options) and waits until
 * the terminal's input is there. Returns { browser, page, errors }.
 */
export async function openApp(url, options = {}) {
  const browser = await launchBrowser({ viewport: WIDE, ...options });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors = collectErrors(page);
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('#terminal-input').waitFor({ state: 'attached', timeout: STEP });
  return { browser, page, errors };
}

/** Types `command` into the terminal as a person does, then Enter. */
export async function typeLine(page, command) {
  const input = page.locator('#terminal-input');
  await input.focus();
  await input.fill('');
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

/** Waits until the terminal's output shows `text`. */
export async function logShows(page, text) {
  await page.locator('#terminal-output').filter({ hasText: text }).waitFor({ state: 'attached', timeout: STEP });
}

/** A screenshot of the page, as artifacts/NAME.png. */
export async function shot(page, name, { fullPage = false } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Reads a step through as a student in a hurry: each waiting quiz in turn
 * answered with its first choice, and on past each console block without
 * running it. Callers add what they expect once it is read. */
export async function readThrough(page) {
  for (let i = 0; i < 20; i++) {
    const readOn = page.getByRole('button', { name: 'Read on without running it' });
    if (await readOn.count()) {
      await readOn.click();
      continue;
    }
    if (!(await page.locator('.quiz-waiting').count())) break;
    const id = await page.locator('.quiz[data-answered="false"]').first().getAttribute('aria-labelledby');
    const quiz = page.locator(`.quiz[aria-labelledby="${id}"]`);
    await quiz.locator('.quiz-choice').first().click();
    await quiz.locator('.quiz-explain').waitFor({ timeout: STEP });
  }
}

/** Shows the step's solution and runs it, then waits for `text` in the
 * terminal (when given) and for the step to be done. */
export async function runSolution(page, { text = null, timeout = STEP } = {}) {
  await page.getByRole('button', { name: 'Show the solution' }).click();
  await page.getByRole('button', { name: 'Yes, show the solution' }).click();
  await page.getByRole('button', { name: 'Run the solution' }).click();
  if (text !== null) {
    await page.locator('#terminal-output').getByText(text).first().waitFor({ timeout });
  }
  await page.locator('#step-state[data-passed="true"]').waitFor({ timeout });
}
