// Shared by the end-to-end tests and scripts/measure.sh: serve dist/ on a
// free 127.0.0.1 port, and start Debian's headless Chromium through
// playwright-core (never a browser download).
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const DIST = path.resolve(process.env.SERVICELAB_DIST ?? path.join(ROOT, 'dist'));
export const ARTIFACTS = path.join(here, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

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
export async function serveStatic(dir, { prefix = '/' } = {}) {
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
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
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
