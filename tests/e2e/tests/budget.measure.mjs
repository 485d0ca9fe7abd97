// Measures, does not test (node --test skips this file): how fast the
// tutorial answers, in Debian's headless Chromium against dist/.
//
//   node tests/budget.measure.mjs [--runs N]
//
// 1. Time from navigation to the terminal accepting input, on the home page
//    and on a lesson's deep link with saved work to replay (cold profile
//    each run; median of N).
// 2. For a set of commands in the article's and the NodePort lesson's
//    worlds: the time from the Enter keydown to the output being in the page
//    (a MutationObserver on the log) and to the next frame being painted.
//    "Within one frame" means the output is in the DOM before the frame that
//    follows the key press (≤ 16.7 ms at 60 Hz).
import { DIST, launchBrowser, serveStatic } from '../lib.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 0) || 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function watchForInput() {
  const observer = new MutationObserver(() => {
    const el = document.getElementById('terminal-input');
    if (window.__inputReadyAt === undefined && el && !el.disabled) {
      el.focus();
      if (document.activeElement === el) {
        window.__inputReadyAt = performance.now();
        observer.disconnect();
      }
    }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

/** Runs `fn(page)` in a fresh browser profile (a cold HTTP and code cache). */
async function inFreshBrowser(fn) {
  const browser = await launchBrowser();
  try {
    await fn(browser.context.pages()[0] ?? (await browser.context.newPage()));
  } finally {
    await browser.close();
  }
}

async function timeToInput(server, hash, seed) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    await inFreshBrowser(async (page) => {
      if (seed) {
        // Saved work to replay: done once in the profile, then a fresh load.
        await page.goto(server.url + hash, { waitUntil: 'load' });
        await page.getByRole('textbox', { name: 'Terminal' }).waitFor();
        await seed(page);
      }
      await page.addInitScript(watchForInput);
      await page.goto(server.url + hash, { waitUntil: 'load' });
      if (seed) await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => window.__inputReadyAt !== undefined, null, { timeout: 30_000 });
      samples.push(await page.evaluate(() => window.__inputReadyAt));
    });
  }
  return samples;
}

async function commandTimes(page, commands) {
  const out = [];
  for (const command of commands) {
    const input = page.getByRole('textbox', { name: 'Terminal' });
    await input.fill(command);
    const t = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const input = document.getElementById('terminal-input');
          const log = document.getElementById('terminal-output');
          let t0;
          const observer = new MutationObserver(() => {
            const t1 = performance.now();
            observer.disconnect();
            requestAnimationFrame(() => resolve({ dom: t1 - t0, frame: performance.now() - t0 }));
          });
          observer.observe(log, { subtree: true, childList: true, characterData: true });
          t0 = performance.now();
          input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        }),
    );
    out.push({ command, ...t });
  }
  return out;
}

const server = await serveStatic(DIST);
try {
  const fmt = (ms) => `${ms.toFixed(1).padStart(7)} ms`;
  const home = await timeToInput(server, '');
  const lesson = await timeToInput(server, '#/lessons/02-nodeport/2', async (page) => {
    for (const c of ['kubectl apply -f myapp-service.yaml', 'curl http://192.168.1.2:30008', 'kubectl get svc']) {
      await page.getByRole('textbox', { name: 'Terminal' }).fill(c);
      await page.getByRole('textbox', { name: 'Terminal' }).press('Enter');
    }
  });
  console.log(`time to terminal input (headless Chromium, localhost, cold profile, median of ${runs}):`);
  console.log(`  home page                                    ${fmt(median(home))}   (runs: ${home.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  lesson deep link, 3 saved commands replayed  ${fmt(median(lesson))}   (runs: ${lesson.map((x) => x.toFixed(0)).join(', ')})`);

  // Each command's time is the median over `runs` fresh browsers: the first
  // use of a tool in a page also pays for compiling its wasm, and a busy
  // machine adds noise to any single run.
  const article = [
    'hostname',
    'ip route',
    'curl --connect-timeout 3 http://10.244.0.2',
    'ssh node01',
    'curl http://10.244.0.2',
    'kubectl get pods -o wide',
    'exit',
  ];
  const nodeport = [
    'kubectl apply -f myapp-service.yaml',
    'curl http://192.168.1.2:30008',
    'kubectl get svc',
    'kubectl describe svc myapp-service',
  ];
  // A student reads the page for a moment before typing the first command
  // (the page uses that time to compile the packet path: see app.rs).
  const READING_MS = 2000;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    await inFreshBrowser(async (page) => {
      await page.goto(server.url, { waitUntil: 'load' });
      await page.getByRole('textbox', { name: 'Terminal' }).waitFor();
      await page.waitForTimeout(READING_MS);
      const rows = await commandTimes(page, article);
      await page.goto(`${server.url}#/lessons/02-nodeport/2`, { waitUntil: 'load' });
      await page.getByRole('textbox', { name: 'Terminal' }).waitFor();
      await page.waitForTimeout(READING_MS);
      rows.push(...(await commandTimes(page, nodeport)));
      samples.push(rows);
    });
  }
  console.log(`command output (Enter keydown → output in the DOM → next frame painted; median of ${runs}; first command ${READING_MS / 1000} s after the page is up):`);
  let worst = 0;
  for (const [i, command] of [...article, ...nodeport].entries()) {
    const dom = median(samples.map((rows) => rows[i].dom));
    const frame = median(samples.map((rows) => rows[i].frame));
    worst = Math.max(worst, dom);
    console.log(`  ${command.padEnd(44)} ${fmt(dom)} ${fmt(frame)}   (runs: ${samples.map((rows) => rows[i].dom.toFixed(0)).join(', ')})`);
  }
  console.log(`  worst median: output in the DOM after ${worst.toFixed(1)} ms (one frame at 60 Hz: 16.7 ms)`);
} finally {
  await server.close();
}
