/**
 * The HTML digest opened in headless Chromium: it must render, and the
 * ranking table must be visible in the first screen.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderHtml } from '../../lambda/digest/html';
import { renderEmail } from '../../lambda/digest/email';
import { requireTool } from '../support/tools';
import { realisticFleet } from '../fixtures/digest/sample-fleets';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('the HTML digest in a browser', () => {
  let browser: Browser;
  const screenshots = mkdtempSync(join(tmpdir(), 'ecr-janitor-digest-'));

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: requireTool('chromium'),
      args: CHROMIUM_ARGS,
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const pages: [string, () => string][] = [
    ['the report page', () => renderHtml(realisticFleet({ partial: true }).digest)],
    ['the email HTML part', () => renderEmail(realisticFleet().digest).html],
  ];

  it.each(pages)('%s shows the ranking table within the first screen', async (name, html) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.setContent(html());
      const ranking = page.locator('#ranking');
      expect(await ranking.isVisible()).toBe(true);

      const box = await ranking.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeLessThan(900);
      expect(box!.x + box!.width).toBeLessThanOrEqual(1280);

      const mode = await page.locator('#mode').innerText();
      expect(mode).toBe('DRY RUN');
      const rows = await page.locator('#ranking > tbody > tr').count();
      expect(rows).toBe(14);

      const file = join(screenshots, `${name.replace(/\W+/g, '-')}.png`);
      await page.screenshot({ path: file, fullPage: false });
      process.stderr.write(`screenshot: ${file}\n`);
    } finally {
      await page.close();
    }
  });

  it('draws a longer bar for the repository that wastes more', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.setContent(renderHtml(realisticFleet().digest));
      const widths = await page
        .locator('#ranking > tbody > tr > td.bar td[bgcolor]')
        .evaluateAll((cells) => cells.map((cell) => cell.getBoundingClientRect().width));
      expect(widths.length).toBeGreaterThan(5);
      for (let i = 1; i < widths.length; i++)
        expect(widths[i]).toBeLessThanOrEqual(widths[i - 1] + 0.5);
      expect(widths[0]).toBeGreaterThan(widths[widths.length - 1]);
    } finally {
      await page.close();
    }
  });
});
