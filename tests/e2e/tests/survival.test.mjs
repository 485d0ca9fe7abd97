// Nothing a student types may kill the page or erase their work, in the
// release build (playing the fixed course of tests/fixtures/lessons:
// fixtureSite() in lib.mjs), in Debian's headless Chromium.
//
// The engine's budgets keep every command far inside the 4 GiB a wasm page
// may grow to, so no command traps a normal page. To make a real trap, this
// test starts Chromium with V8's own cap on wasm memory a few MiB above what
// the page needs, then runs a command that is within servicelab's budgets
// but needs more memory than that cap: the wasm instance dies as it would if
// the browser ran out of memory. The page must come back by itself, without
// the command, with everything else the student did.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, CHROMIUM_ARGS, collectErrors, fixtureSite, launchBrowser, serveStatic } from '../lib.mjs';

const STEP = 20_000;
const PAGE = 64 * 1024;

async function shot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// The wasm memory of the page, as trunk's start-up event hands it over.
const KEEP_MEMORY = () => {
  addEventListener('TrunkApplicationStarted', (e) => {
    window.__servicelabMemory = e.detail.wasm.memory;
  });
};

async function open(browser, url) {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.addInitScript(KEEP_MEMORY);
  await page.goto(url, { waitUntil: 'load' });
  const terminal = page.getByRole('textbox', { name: 'Terminal' });
  await terminal.waitFor({ timeout: STEP });
  return { page, terminal, log: page.getByRole('log') };
}

// Pastes `text` into the terminal as the clipboard would: every complete
// line runs.
async function paste({ terminal }, text) {
  await terminal.evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

async function run({ page, terminal, log }, command, expect) {
  await terminal.fill(command);
  await terminal.press('Enter');
  if (expect) await log.filter({ hasText: expect }).waitFor({ timeout: STEP });
  else await page.waitForTimeout(300);
}

// Half a MiB in $x, then thirty files of it: 15 MiB of files, within the
// 16 MiB budget; each copy of the world the page makes holds them all.
const HEAVY =
  'x=a; for i in $(seq 1 19); do x=$x$x; done; for i in $(seq 30); do echo $x > big$i; done; cat big1 | wc -c';

describe('a command that needs more memory than the page has', { timeout: 180_000 }, () => {
  let server, browser;

  before(async () => {
    server = await serveStatic(await fixtureSite());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('restarts the page without it, keeping everything else', async () => {
    // How much the page needs: a first browser, without a cap.
    const probe = await launchBrowser();
    const p = await open(probe, `${server.url}#/sandbox`);
    await run(p, 'hostname', 'laptop');
    await p.page.waitForTimeout(1500); // the warm-up run
    const pages = await p.page.evaluate(() => window.__servicelabMemory.buffer.byteLength) / PAGE;
    await probe.close();
    assert.ok(pages > 0, 'the memory was measured');

    // Capped a few MiB above that: the heavy command cannot fit.
    const cap = Math.ceil(pages) + 96;
    browser = await launchBrowser({ args: [...CHROMIUM_ARGS, `--js-flags=--wasm-max-mem-pages=${cap}`] });
    const s = await open(browser, `${server.url}#/sandbox`);
    const errors = collectErrors(s.page);
    await run(s, 'echo before the crash', 'before the crash');
    const reloaded = s.page.waitForEvent('framenavigated', { timeout: STEP * 2 });
    await run(s, HEAVY);
    await reloaded;
    await s.terminal.waitFor({ timeout: STEP });
    // What the student did before is there; the command at fault is not,
    // and the page says which command it left out, and why.
    await s.log.filter({ hasText: 'before the crash' }).waitFor({ timeout: STEP });
    const notice = await s.page.locator('.notice').textContent({ timeout: STEP });
    assert.match(notice, /stopped while running `x=a; for i in/);
    assert.match(notice, /left out; everything else you did is here/);
    await shot(s.page, 'survival-restarted');
    await run(s, 'ls big1 ; echo after', 'after');
    assert.match(await s.log.textContent(), /ls: cannot access 'big1': No such file or directory/);
    // The trap was the only error the page reported.
    assert.ok(errors.some((e) => /RuntimeError/.test(e)), errors.join('\n'));
    assert.deepEqual(errors.filter((e) => !/RuntimeError|panicked|RefCell/.test(e)), []);

    // A second reload replays the saved work, which no longer holds the
    // command: no freeze, no notice.
    await s.page.reload({ waitUntil: 'load' });
    await s.terminal.waitFor({ timeout: STEP });
    await s.log.filter({ hasText: 'after' }).waitFor({ timeout: STEP });
    assert.equal(await s.page.locator('.notice').count(), 0);
  });
});

describe('an Undo with nothing to undo', { timeout: 120_000 }, () => {
  let server, browser;

  before(async () => {
    server = await serveStatic(await fixtureSite());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('leaves no crash behind for the next visit', async () => {
    browser = await launchBrowser();
    const s = await open(browser, `${server.url}#/lessons/02-nodeport`);
    const errors = collectErrors(s.page);
    // The button is disabled with nothing to undo; an Undo that arrives
    // anyway (enabled here by hand) is an action that changes nothing.
    const undo = s.page.getByRole('button', { name: 'Undo last command' });
    assert.equal(await undo.isDisabled(), true);
    await undo.evaluate((b) => { b.disabled = false; b.click(); });
    await s.page.locator('.notice').filter({ hasText: 'Nothing to undo' }).waitFor({ timeout: STEP });
    // Reloaded, the page finds no mark of a simulator that stopped.
    await s.page.reload({ waitUntil: 'load' });
    await s.terminal.waitFor({ timeout: STEP });
    await run(s, 'hostname', 'laptop');
    const notices = await s.page.locator('.notice').allTextContents();
    assert.deepEqual(notices.filter((n) => /simulator stopped/.test(n)), []);
    assert.deepEqual(errors, []);
  });
});

describe('a share link', { timeout: 180_000 }, () => {
  let server, browser;

  before(async () => {
    server = await serveStatic(await fixtureSite());
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opened over the student\'s own work keeps it, one click away', async () => {
    // Someone else's world: the NodePort lesson with its Service applied.
    const other = await launchBrowser();
    const o = await open(other, `${server.url}#/lessons/02-nodeport/2`);
    await run(o, 'kubectl apply -f myapp-service.yaml', 'service/myapp-service created');
    await o.page.getByRole('button', { name: 'Share' }).click();
    const link = await o.page.locator('#share-url').inputValue();
    await other.close();

    // The student's own work on the same lesson.
    const s = await open(browser, `${server.url}#/lessons/02-nodeport/2`);
    const errors = collectErrors(s.page);
    await run(s, 'echo my own work', 'my own work');
    await s.page.goto(link, { waitUntil: 'load' });
    await s.log.filter({ hasText: 'service/myapp-service created' }).waitFor({ timeout: STEP });
    assert.doesNotMatch(await s.log.textContent(), /my own work/);
    const bar = s.page.locator('.stash-bar');
    assert.match(await bar.textContent(), /your own work here is kept/);
    await shot(s.page, 'share-kept');

    // Back to it; and it survives a reload.
    await bar.getByRole('button', { name: 'Back to your work' }).click();
    await s.log.filter({ hasText: 'my own work' }).waitFor({ timeout: STEP });
    await s.page.reload({ waitUntil: 'load' });
    await s.log.filter({ hasText: 'my own work' }).waitFor({ timeout: STEP });
    // The shared world is kept too.
    await s.page.locator('.stash-bar').getByRole('button', { name: 'Open the shared world' }).click();
    await s.log.filter({ hasText: 'service/myapp-service created' }).waitFor({ timeout: STEP });
    assert.deepEqual(errors, []);
  });

  it('leaves the lesson\'s own address to the student\'s own work', async () => {
    const other = await launchBrowser();
    const o = await open(other, `${server.url}#/lessons/02-nodeport/2`);
    await run(o, 'kubectl apply -f myapp-service.yaml', 'service/myapp-service created');
    await o.page.getByRole('button', { name: 'Share' }).click();
    const link = await o.page.locator('#share-url').inputValue();
    await other.close();

    const fresh = await launchBrowser();
    try {
      const s = await open(fresh, `${server.url}#/lessons/02-nodeport/2`);
      await run(s, 'echo mine alone', 'mine alone');
      await s.page.goto(link, { waitUntil: 'load' });
      await s.log.filter({ hasText: 'service/myapp-service created' }).waitFor({ timeout: STEP });
      // A reload of the tab that followed the link shows the shared world…
      await s.page.reload({ waitUntil: 'load' });
      await s.log.filter({ hasText: 'service/myapp-service created' }).waitFor({ timeout: STEP });
      // …the lesson's address in another tab opens the student's own work,
      // with the shared world one click away.
      const tab = await fresh.context.newPage();
      await tab.goto(`${server.url}#/lessons/02-nodeport/2`, { waitUntil: 'load' });
      const log = tab.getByRole('log');
      await log.filter({ hasText: 'mine alone' }).waitFor({ timeout: STEP });
      assert.doesNotMatch(await log.textContent(), /myapp-service created/);
      assert.match(await tab.locator('.stash-bar').textContent(), /kept beside your work/);
      await tab.locator('.stash-bar').getByRole('button', { name: 'Open the shared world' }).click();
      await log.filter({ hasText: 'service/myapp-service created' }).waitFor({ timeout: STEP });
    } finally {
      await fresh.close();
    }
  });

  it('followed before the page has judged the last command still opens', async () => {
    // The browser changes the address at once and tells the page a task
    // later; the goals of a command are judged a moment after its output is
    // drawn. Under load a link followed in the same tab lands in between, and
    // the page wrote its own place back over it: the link was lost.
    const other = await launchBrowser();
    const o = await open(other, `${server.url}#/lessons/02-nodeport/2`);
    await run(o, 'kubectl apply -f myapp-service.yaml', 'service/myapp-service created');
    await o.page.getByRole('button', { name: 'Share' }).click();
    const link = await o.page.locator('#share-url').inputValue();
    await other.close();

    const fresh = await launchBrowser();
    try {
      const s = await open(fresh, `${server.url}#/lessons/02-nodeport/2`);
      const errors = collectErrors(s.page);
      // A command, its output drawn (a microtask later), then the link, in
      // one turn of the page's event loop: before the goals are judged.
      await s.terminal.evaluate((input, hash) => {
        input.value = 'echo just before the link';
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
        return new Promise((resolve) => {
          queueMicrotask(() => {
            location.hash = hash;
            resolve();
          });
        });
      }, new URL(link).hash);
      await s.log.filter({ hasText: 'service/myapp-service created' }).waitFor({ timeout: STEP });
      assert.doesNotMatch(await s.log.textContent(), /just before the link/);
      assert.match(await s.page.locator('.stash-bar').textContent(), /your own work here is kept/);
      assert.match(s.page.url(), /#\/lessons\/02-nodeport\/2$/);
      assert.deepEqual(errors, []);
    } finally {
      await fresh.close();
    }
  });
});

describe('lines that froze the tab', { timeout: 120_000 }, () => {
  let server, browser;

  before(async () => {
    server = await serveStatic(await fixtureSite());
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a bad line after a here-document and braces nested 20,000 deep get answers', async () => {
    const s = await open(browser, `${server.url}#/sandbox`);
    const errors = collectErrors(s.page);
    // It used to read the bad line again for ever: no output, a frozen tab.
    await paste(s, 'echo before\ntrue <<E\nE\n$((a)b)\necho after\n');
    await s.log.filter({ hasText: 'after' }).waitFor({ timeout: STEP });
    const text = await s.log.textContent();
    assert.match(text, /before/);
    assert.match(text, /syntax error near unexpected token/);
    // 60 KB of nested braces overflowed the stack: a trap.
    await paste(s, `echo ${'{a,'.repeat(20_000)}a${'}'.repeat(20_000)}\n`);
    await s.log
      .filter({ hasText: "maximum nesting level exceeded: over servicelab's limit of 32 levels of nesting" })
      .waitFor({ timeout: STEP });
    await shot(s.page, 'survival-nesting');
    // The tab keeps answering, and nothing was reported.
    await run(s, 'echo still here', 'still here');
    assert.deepEqual(errors, []);
  });
});
