// Time from navigation start to the terminal accepting input, and to the
// first paint of the lesson's text (the prerendered first screen), in
// Debian's headless Chromium, against dist/ on a local static server. Not a
// test: scripts/measure.sh (make measure) prints its numbers. The emulated
// runs are a slow phone's: DevTools' network emulation and a 4x CPU
// slowdown, on a lesson's deep link.
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
  // The first contentful paint: on servicelab's prerendered page it is the
  // lesson's text, before the wasm.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name === 'first-contentful-paint') window.__textPaintedAt = e.startTime;
    }
  }).observe({ type: 'paint', buffered: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Served as a static host would serve dist/: brotli where the browser
// accepts it (servicelab build writes .br and .gz beside each file).
const server = await serveStatic(DIST, { precompressed: true });

/** The same page load, with DevTools' network emulation when `net` is given. */
async function load(net, where = '') {
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    if (net) {
      const cdp = await browser.context.newCDPSession(page);
      if (net.cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: net.cpu });
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: net.rttMs,
        downloadThroughput: net.bitsPerSecond / 8,
        uploadThroughput: net.bitsPerSecond / 8,
      });
    }
    await page.addInitScript(watchForInput);
    await page.goto(server.url + where, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForFunction(() => window.__inputReadyAt !== undefined, null, { timeout: 120_000 });
    await page.waitForFunction(() => window.__textPaintedAt !== undefined, null, { timeout: 10_000 }).catch(() => {});
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const wasm = resources.find((r) => r.name.endsWith('.wasm'));
      const transferred = nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0);
      return {
        inputReady: window.__inputReadyAt,
        textPainted: window.__textPaintedAt ?? NaN,
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        wasmFetched: wasm ? wasm.responseEnd : NaN,
        transferred,
      };
    });
  } finally {
    await browser.close();
  }
}

const samples = [];
const throttled = [];
// Issue 22's profiles: a phone (4x CPU slowdown) on a fast and a slow
// network, opening a lesson by its link.
const NETWORKS = [
  { name: '10 Mbit/s, 40 ms RTT, 4x CPU', bitsPerSecond: 10e6, rttMs: 40, cpu: 4 },
  { name: '1.6 Mbit/s, 150 ms RTT, 4x CPU', bitsPerSecond: 1.6e6, rttMs: 150, cpu: 4 },
];
const LESSON_LINK = '#/lessons/02-nodeport/1';
try {
  for (let i = 0; i < runs; i++) samples.push(await load());
  for (const net of NETWORKS) {
    const s = [];
    for (let i = 0; i < Math.min(runs, 3); i++) s.push(await load(net, LESSON_LINK));
    throttled.push({ net, samples: s });
  }
} finally {
  await server.close();
}

const keys = ['inputReady', 'textPainted', 'domContentLoaded', 'wasmFetched', 'load', 'transferred'];
const summary = (xs) => Object.fromEntries(keys.map((k) => [k, median(xs.map((s) => s[k]))]));
const result = summary(samples);
if (asJson) {
  console.log(JSON.stringify({ runs, median: result, samples, throttled }, null, 2));
} else {
  const fmt = (ms) => `${ms.toFixed(0).padStart(5)} ms`;
  console.log(`time to terminal input (headless Chromium, localhost, brotli, cold cache, median of ${runs}):`);
  console.log(`  navigation -> #terminal-input ready  ${fmt(result.inputReady)}   (runs: ${samples.map((s) => s.inputReady.toFixed(0)).join(', ')})`);
  console.log(`  navigation -> first text painted     ${fmt(result.textPainted)}`);
  console.log(`  navigation -> DOMContentLoaded       ${fmt(result.domContentLoaded)}`);
  console.log(`  navigation -> .wasm downloaded       ${fmt(result.wasmFetched)}`);
  console.log(`  navigation -> load event             ${fmt(result.load)}`);
  console.log(`  bytes transferred                    ${String(result.transferred).padStart(8)}`);
  for (const { net, samples: s } of throttled) {
    const r = summary(s);
    console.log(`  ${LESSON_LINK} with ${net.name}: lesson text painted ${fmt(r.textPainted)}, input ready ${fmt(r.inputReady)} (median of ${s.length}; .wasm downloaded at ${fmt(r.wasmFetched)})`);
  }
}
