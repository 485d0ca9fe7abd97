// End to end, the page at a glance (issue 25): the release build in dist/
// playing the course in lessons/, in Debian's headless Chromium, at
// 1440x900 (a laptop) and 360 px (a phone), light and dark.
//
// The network picture's text is never smaller than the body text's: with
// the two nodes of lesson 07 and with its Deployment scaled to ten pods
// (pods folded into a count that opens them). The NodePort hop card leads
// with its DNAT and masquerade, both in view without scrolling at 1440x900,
// the netfilter walk folded behind one control. From the terminal, Tab
// reaches the lesson's Next step in at most 8 presses with the network
// panel between (the hop strip and the picture are one stop each, arrow
// keys inside). Another lesson opens at its top with an empty input (the
// draft kept for Up); an answered quiz has the focus on its feedback.
// axe finds nothing serious or critical. Screenshots go to artifacts/
// (legibility-*.png).
//
// Run with `make test-e2e`, or `cd tests/e2e && node --test tests/legibility.test.mjs`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, STEP, WIDE, audit, logShows, openApp, serveStatic, shot, typeLine } from '../lib.mjs';

const PHONE = { width: 360, height: 740 };

/** The picture's smallest text as drawn, and the body text's size, in px. */
async function textSizes(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('#topology');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')]
      .filter((t) => t.getClientRects().length > 0 && t.textContent.trim() !== '')
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    return { smallest: Math.min(...sizes), body: parseFloat(getComputedStyle(document.body).fontSize), count: sizes.length };
  });
}

/** Whether every element matching `selector` is wholly on screen and not scrolled out of its pane. */
async function inView(page, selector) {
  return page.evaluate((sel) => {
    const els = [...document.querySelectorAll(sel)];
    if (els.length === 0) return false;
    const pane = document.querySelector('.packet-panel').getBoundingClientRect();
    return els.every((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= Math.max(0, pane.top) - 1 && r.bottom <= Math.min(innerHeight, pane.bottom) + 1 && r.height > 0;
    });
  }, selector);
}

const modes = [
  ['1440', WIDE],
  ['360', PHONE],
];

describe('the network picture stays legible', { timeout: 300_000 }, () => {
  let server;
  before(async () => {
    server = await serveStatic(DIST);
  });
  after(() => server?.close());

  for (const [size, viewport] of modes) {
    for (const scheme of ['light', 'dark']) {
      it(`two nodes, then ten pods, at ${size} px, ${scheme}`, async () => {
        const s = await openApp(server.url + '#/lessons/07-when-it-goes-wrong', { viewport, colorScheme: scheme });
        const { page } = s;
        try {
          if (size === '360') await page.locator('.pane-switch', { hasText: 'Network' }).click();
          await page.locator('#topology [data-host="node02"]').waitFor({ timeout: STEP });
          let sizes = await textSizes(page);
          assert.ok(sizes.smallest >= sizes.body - 0.01, `two nodes: ${JSON.stringify(sizes)}`);
          await shot(page, `legibility-two-nodes-${size}-${scheme}`);
          if (size === '360') await page.locator('.pane-switch', { hasText: 'Terminal' }).click();
          await typeLine(page, 'kubectl scale deployment storefront --replicas=10');
          await logShows(page, 'deployment.apps/storefront scaled');
          await typeLine(page, 'kubectl rollout status deployment/storefront');
          await logShows(page, 'successfully rolled out');
          if (size === '360') await page.locator('.pane-switch', { hasText: 'Network' }).click();
          await page.waitForFunction(
            () => document.querySelectorAll('#topology [data-host^="storefront-"]').length
              + [...document.querySelectorAll('#topology [data-fold]')].reduce((n, f) => n + Number(f.dataset.hidden), 0) >= 10,
            null,
            { timeout: STEP },
          );
          sizes = await textSizes(page);
          assert.ok(sizes.smallest >= sizes.body - 0.01, `ten pods: ${JSON.stringify(sizes)}`);
          await shot(page, `legibility-ten-pods-${size}-${scheme}`);
          // A fold chip opens its node's pods.
          const chip = page.locator('#topology [data-fold]').first();
          if (await chip.count()) {
            const node = await chip.getAttribute('data-fold');
            await chip.click();
            await page.locator(`#topology [data-fold="${node}"][aria-expanded="true"]`).waitFor({ timeout: STEP });
            sizes = await textSizes(page);
            assert.ok(sizes.smallest >= sizes.body - 0.01, `opened: ${JSON.stringify(sizes)}`);
          }
          assert.deepEqual(await audit(page, '.network-pane'), []);
          assert.deepEqual(s.errors, []);
        } finally {
          await s.browser.close();
        }
      });
    }
  }
});

describe('the NodePort hop card and the keyboard, at 1440x900', { timeout: 240_000 }, () => {
  let server;
  before(async () => {
    server = await serveStatic(DIST);
  });
  after(() => server?.close());

  for (const scheme of ['light', 'dark']) {
    it(`the card leads with DNAT and masquerade, in view (${scheme})`, async () => {
      const s = await openApp(server.url + '#/lessons/02-nodeport/2', { colorScheme: scheme });
      const { page } = s;
      try {
        await typeLine(page, 'kubectl apply -f myapp-service.yaml');
        await logShows(page, 'service/myapp-service');
        await typeLine(page, 'curl -s http://192.168.1.2:30008 -o /dev/null');
        await page.locator('.hop-strip .hop-chip').first().waitFor({ timeout: STEP });
        await page.locator('.hop-strip .hop-chip', { hasText: 'node01' }).first().click();
        await page.locator('#hop-detail[data-hop-host="node01"]').waitFor({ timeout: STEP });
        const lead = page.locator('#hop-detail .hop-lead');
        assert.match(await lead.locator('.change.dnat').innerText(), /192\.168\.1\.2:30008 → 10\.244\.0\.2:80 DNAT by KUBE-SEP-/);
        assert.match(await lead.locator('.change.masquerade').innerText(), /→ 10\.244\.0\.1:\d+ masquerade in KUBE-POSTROUTING/);
        assert.ok(await inView(page, '#hop-detail .change.dnat .change-line, #hop-detail .change.masquerade .change-line'), 'both rewrites in view');
        // The walk is one closed control; a rule's iptables-save text one click deeper.
        assert.equal(await page.locator('#hop-detail details.walk').count(), 1);
        assert.equal(await page.locator('#hop-detail details.walk[open]').count(), 0);
        assert.equal(await page.locator('#hop-detail .rule-text code').first().isVisible(), false);
        await shot(page, `legibility-hop-card-1440-${scheme}`);
        await page.locator('#hop-detail details.walk > summary').click();
        await page.locator('#hop-detail .chain-step.matched .rule-text > summary').first().waitFor({ state: 'visible', timeout: STEP });
        assert.deepEqual(await audit(page, '.network-pane'), []);
        assert.deepEqual(s.errors, []);
      } finally {
        await s.browser.close();
      }
    });
  }

  it('Tab from the terminal reaches Next step in at most 8 presses, through the network panel', async () => {
    const s = await openApp(server.url + '#/lessons/02-nodeport/2');
    const { page } = s;
    try {
      await typeLine(page, 'kubectl apply -f myapp-service.yaml');
      await logShows(page, 'service/myapp-service');
      await typeLine(page, 'curl -s http://192.168.1.2:30008 -o /dev/null');
      await page.locator('.hop-strip .hop-chip').first().waitFor({ timeout: STEP });
      assert.equal(await page.evaluate(() => document.activeElement.id), 'terminal-input');
      const stops = [];
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        stops.push(await page.evaluate(() => {
          const e = document.activeElement;
          return { pane: e.closest('.network-pane') ? 'network' : e.closest('.step-bar') ? 'steps' : 'other', text: e.textContent.trim().slice(0, 40), id: e.id };
        }));
        if (stops.at(-1).text === 'Next step →') break;
      }
      assert.equal(stops.at(-1).text, 'Next step →', JSON.stringify(stops));
      assert.ok(stops.some((x) => x.pane === 'network'), 'the network panel is between');
      // In the hop strip, the arrow keys step through the hops.
      await page.keyboard.press('Shift+Tab');
      for (let i = 0; i < 8 && !(await page.evaluate(() => !!document.activeElement.closest('.hop-strip'))); i++) {
        await page.keyboard.press('Shift+Tab');
      }
      await page.keyboard.press('ArrowRight');
      await page.locator('#hop-detail[data-hop="0"]').waitFor({ timeout: STEP });
      await page.keyboard.press('ArrowRight');
      await page.locator('#hop-detail[data-hop="1"]').waitFor({ timeout: STEP });
      assert.equal(await page.evaluate(() => document.activeElement.id), 'hop-chip-1');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'the focused chip shows a focus ring');
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });
});

describe('no lost keystrokes, a steady reading position', { timeout: 240_000 }, () => {
  let server;
  before(async () => {
    server = await serveStatic(DIST);
  });
  after(() => server?.close());

  for (const [size, viewport] of modes) {
    it(`another lesson opens at its top with an empty input, the draft kept (${size} px)`, async () => {
      const s = await openApp(server.url + '#/lessons/02-nodeport/1', { viewport });
      const { page } = s;
      try {
        if (size === '360') await page.locator('.pane-switch', { hasText: 'Lesson' }).click();
        await page.evaluate(() => { document.querySelector('#lesson-pane').scrollTop = 10_000; });
        if (size === '360') await page.locator('.pane-switch', { hasText: 'Terminal' }).click();
        const input = page.locator('#terminal-input');
        await input.focus();
        await page.keyboard.type('curl http://192.168.1.2:30080');
        await page.evaluate(() => { location.hash = '#/lessons/03-many-pods'; });
        await page.locator('article.lesson[data-lesson="03-many-pods"]').waitFor({ state: 'attached', timeout: STEP });
        await page.waitForFunction(() => document.querySelector('#terminal-input').value === '', null, { timeout: STEP });
        if (size === '360') await page.locator('.pane-switch', { hasText: 'Lesson' }).click();
        assert.equal(await page.evaluate(() => document.querySelector('#lesson-pane').scrollTop), 0);
        if (size === '360') await page.locator('.pane-switch', { hasText: 'Terminal' }).click();
        await input.focus();
        await page.keyboard.press('ArrowUp');
        assert.equal(await input.inputValue(), 'curl http://192.168.1.2:30080', 'Up recalls the draft');
        await shot(page, `legibility-lesson-change-${size}`);
        assert.deepEqual(s.errors, []);
      } finally {
        await s.browser.close();
      }
    });
  }

  it('an answered quiz has the focus on its feedback', async () => {
    const s = await openApp(server.url + '#/lessons/01-the-world/1');
    const { page } = s;
    try {
      await page.getByRole('button', { name: 'Read on without running it' }).click();
      const choice = page.locator('.quiz .quiz-choice').first();
      await choice.waitFor({ timeout: STEP });
      await choice.focus();
      await page.keyboard.press('Space');
      await page.waitForFunction(() => document.activeElement?.classList.contains('quiz-explain'), null, { timeout: STEP });
      assert.deepEqual(await audit(page, '.lesson-pane'), []);
      assert.deepEqual(s.errors, []);
    } finally {
      await s.browser.close();
    }
  });
});
