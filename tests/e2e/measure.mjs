// Time from navigation start to the terminal accepting input, in Debian's
// headless Chromium, against dist/ on a local static server. Not a test:
// scripts/measure.sh (make measure) prints its numbers.
//
//   node measure.mjs [--runs N] [--json]
//
// Each run uses a fresh browser profile (cold HTTP cache). An init script
// watches the DOM from the first byte and records performance.now() (ms since
// navigation start) the moment #terminal-input exists, is enabled and takes
// focus; navigation timing gives the rest.
import { DIST, launchBrowser, serveStatic } from './lib.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 0) || 7;
const asJson = args.includes('--json');

function watchForInput() {
  const ready = () => {
    const el = document.getElementById('terminal-input');
    if (!el || el.disabled || el.readOnly) return false;
    el.focus();
    return document.activeElement === el;
  };
  const record = () => {
    if (window.__inputReadyAt === undefined && ready()) {
      window.__inputReadyAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(record);
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const server = await serveStatic(DIST);
const samples = [];
try {
  for (let i = 0; i < runs; i++) {
    const browser = await launchBrowser();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.addInitScript(watchForInput);
      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForFunction(() => window.__inputReadyAt !== undefined, null, { timeout: 30_000 });
      samples.push(
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
          return {
            inputReady: window.__inputReadyAt,
            domContentLoaded: nav.domContentLoadedEventEnd,
            load: nav.loadEventEnd,
            wasmFetched: wasm ? wasm.responseEnd : NaN,
          };
        }),
      );
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}

const keys = ['inputReady', 'domContentLoaded', 'wasmFetched', 'load'];
const result = Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k]))]));
if (asJson) {
  console.log(JSON.stringify({ runs, median: result, samples }, null, 2));
} else {
  const fmt = (ms) => `${ms.toFixed(0).padStart(5)} ms`;
  console.log(`time to terminal input (headless Chromium, localhost, cold cache, median of ${runs}):`);
  console.log(`  navigation -> #terminal-input ready  ${fmt(result.inputReady)}   (runs: ${samples.map((s) => s.inputReady.toFixed(0)).join(', ')})`);
  console.log(`  navigation -> DOMContentLoaded       ${fmt(result.domContentLoaded)}`);
  console.log(`  navigation -> .wasm downloaded       ${fmt(result.wasmFetched)}`);
  console.log(`  navigation -> load event             ${fmt(result.load)}`);
}
