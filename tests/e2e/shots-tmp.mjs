import { DIST, launchBrowser, serveStatic, collectErrors } from './lib.mjs';
const server = await serveStatic(DIST);
const [w, h, scheme, hash, ...cmds] = process.argv.slice(2);
const b = await launchBrowser({ viewport: { width: +w, height: +h }, colorScheme: scheme });
const page = b.context.pages()[0] ?? await b.context.newPage();
const errors = collectErrors(page);
await page.goto(server.url + (hash || ''), { waitUntil: 'load' });
await page.locator('#terminal-input').waitFor({ state: 'attached' });
for (const c of cmds) {
  if (c.startsWith('click:')) { await page.locator(c.slice(6)).first().click(); await page.waitForTimeout(300); continue; }
  if (c.startsWith('role:')) { await page.getByRole('button', { name: c.slice(5) }).first().click(); await page.waitForTimeout(300); continue; }
  const t = page.locator('#terminal-input');
  await t.fill(c); await t.press('Enter'); await page.waitForTimeout(1500);
}
await page.waitForTimeout(800);
const out = `/tmp/shots/${process.env.NAME || 'shot'}.png`;
await page.screenshot({ path: out });
console.log(out, JSON.stringify(errors), await page.evaluate(() => [scrollY, document.documentElement.scrollWidth, innerWidth]));
await b.close(); await server.close();
