// Where the time to terminal input goes, by function: not a test, a tool for
// whoever works on the page's start (issue 22). dist/'s wasm has no names
// (wasm-opt drops them), so this serves a copy of dist/ whose wasm is the
// same release build run through wasm-bindgen with --keep-debug and without
// wasm-opt: slower than the real page, but each function has its name.
// Then, in a fresh headless Chromium profile on localhost, it records
//   - DevTools' trace of the main thread until #terminal-input takes focus:
//     HTML parsing, style, layout, paint, and V8's lazy wasm compilation;
//   - the sampling profiler's inclusive time of servicelab's, yew's and
//     serde's functions (a function's own time and its callees').
//
//   make dist && node profile-start.mjs [--top N] [--filter REGEX]
//
// Needs target/wasm32-unknown-unknown/release/servicelab.wasm (make dist
// leaves it) and wasm-bindgen (scripts/setup.sh installs it).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { DIST, ROOT, launchBrowser, serveStatic } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const top = Number(option('--top', 40));
const filter = new RegExp(option('--filter', 'servicelab|yew|serde'));

// A copy of dist/ with the named wasm under dist/'s file names.
const site = mkdtempSync(path.join(tmpdir(), 'servicelab-profile-'));
const glue = mkdtempSync(path.join(tmpdir(), 'servicelab-bindgen-'));
const wasmBindgen = process.env.WASM_BINDGEN ?? path.join(homedir(), '.cargo/bin/wasm-bindgen');
execFileSync(wasmBindgen, [
  '--target', 'web', '--no-typescript', '--keep-debug', '--out-dir', glue,
  path.join(ROOT, 'target/wasm32-unknown-unknown/release/servicelab.wasm'),
]);
cpSync(DIST, site, { recursive: true });
for (const f of readdirSync(site)) {
  if (f.endsWith('.br') || f.endsWith('.gz')) rmSync(path.join(site, f));
  else if (/^servicelab-[0-9a-f]+_bg\.wasm$/.test(f)) cpSync(path.join(glue, 'servicelab_bg.wasm'), path.join(site, f));
  else if (/^servicelab-[0-9a-f]+\.js$/.test(f)) cpSync(path.join(glue, 'servicelab.js'), path.join(site, f));
}

function watchForInput() {
  const observer = new MutationObserver(() => {
    const el = document.getElementById('terminal-input');
    if (!el || el.disabled || el.readOnly) return;
    el.focus();
    if (document.activeElement !== el) return;
    window.__inputReadyAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

const server = await serveStatic(site);
const ms = (us) => `${(us / 1000).toFixed(1).padStart(8)} ms`;

/** Loads the page in a fresh browser until the terminal takes input,
 * with DevTools' `start` before the navigation and `stop` after: what
 * `stop` returns, and when the input was ready. */
async function untilInput(start, stop) {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(watchForInput);
    const cdp = await browser.context.newCDPSession(page);
    await start(cdp);
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__inputReadyAt !== undefined, null, { timeout: 120_000 });
    const ready = await page.evaluate(() => window.__inputReadyAt);
    return { ready, result: await stop(cdp) };
  } finally {
    await browser.close();
  }
}

async function traced() {
  const events = [];
  const { ready } = await untilInput(
    (cdp) => {
      cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
      return cdp.send('Tracing.start', {
        traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.wasm', 'blink', 'loading'] },
      });
    },
    async (cdp) => {
      const complete = new Promise((resolve) => cdp.on('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await complete;
    },
  );
  // The renderer's main thread is the one that ran the most tasks.
  const busy = new Map();
  for (const e of events) if (e.name === 'RunTask') busy.set(e.tid, (busy.get(e.tid) ?? 0) + (e.dur ?? 0));
  const main = [...busy.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const total = (name) => events
    .filter((e) => e.tid === main && e.name === name && e.dur)
    .reduce((sum, e) => sum + e.dur, 0);
  console.log(`main thread until input (at ${ready.toFixed(0)} ms, named wasm without wasm-opt):`);
  for (const [what, name] of [
    ['HTML parsing', 'ParseHTML'],
    ['style', 'UpdateLayoutTree'],
    ['layout', 'Layout'],
    ['paint', 'Paint'],
    ['wasm compiled lazily, on first call', 'wasm.CompileLazy'],
    ['script and wasm running (lazy compiles included)', 'v8.callFunction'],
  ]) console.log(`${ms(total(name))}  ${what}`);
}

async function profiled() {
  const { result: profile } = await untilInput(
    async (cdp) => {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    },
    async (cdp) => (await cdp.send('Profiler.stop')).profile,
  );
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The name section holds demangled names; the hash adds nothing.
  const readable = (name) => name.replace(/::h[0-9a-f]{16}$/, '');
  const inclusive = new Map();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const seen = new Set();
    for (let n = nodes.get(id); n; n = nodes.get(parent.get(n.id))) {
      const name = readable(n.callFrame.functionName || '(anonymous)');
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
    }
  });
  console.log(`\ninclusive time by function (sampling profiler, ${filter}):`);
  [...inclusive.entries()]
    .filter(([name]) => filter.test(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([name, us]) => console.log(`${ms(us)}  ${name.slice(0, 150)}`));
}

try {
  await traced();
  await profiled();
} finally {
  await server.close();
  rmSync(site, { recursive: true, force: true });
  rmSync(glue, { recursive: true, force: true });
}
