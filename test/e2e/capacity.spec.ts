import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { screenshotPath, useSyncedStack } from './fixtures.ts';
import { paintedPixels } from './helpers.ts';

// A disconnected stamp's capacity: an operator reads the cores from the simulated stamp's Fabric admin API, prices
// the licence, sees the month's cost allocated to tenants with the idle share apart, exports the report and turns the
// cost into a rate card draft.
const stack = useSyncedStack('dark');

/** An amount as the console shows it ('1,234.56' in en-US) as cents. */
const cents = (text: string): bigint => BigInt(text.replace(/[^\d]/g, ''));

test('an operator models a stamp\'s capacity, reads the report and recovers its cost with a rate card draft',
  async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(stack().consoleUrl);
    await page.getByTestId('nav-capacity').click();
    await expect(page.getByTestId('view-capacity')).toBeVisible();
    await expect(page.getByTestId('capacity-no-model')).toBeVisible();

    // The cores from Fabric: the simulator's four nodes of 48 cores.
    await page.getByTestId('capacity-read-cores').click();
    await expect(page.getByTestId('capacity-cores')).toHaveValue('192');
    await expect(page.getByTestId('capacity-cores-source')).toHaveText('from Fabric');
    await expect(page.getByTestId('capacity-fabric-nodes')).toContainText('4 node(s)');

    const year = new Date().getUTCFullYear();
    await page.getByTestId('capacity-currency').fill('EUR');
    await page.getByTestId('capacity-term-from').fill(`${year - 1}-01-01`);
    await page.getByTestId('capacity-term-to').fill(`${year + 1}-12-31`);
    await page.getByTestId('capacity-base-price').fill('144');
    await page.getByTestId('capacity-add-App Service').click();
    await page.getByTestId('capacity-addon-price-0').fill('60');
    await page.getByTestId('capacity-storage').fill('20000');
    await page.screenshot({ path: screenshotPath('40-capacity-model') });

    // Saving asks why, for the audit log.
    await page.getByTestId('capacity-save').click();
    await page.getByTestId('reason-input').fill('Licence agreement for the disconnected site');
    await page.getByTestId('reason-confirm').click();
    await expect(page.getByTestId('reason-dialog')).toBeHidden();

    // The report of the last 30 days: tiles, a drawn utilisation chart and an allocation with its idle line.
    await page.getByTestId('capacity-period').getByText('Last 30 days').click();
    await expect(page.getByTestId('capacity-tile-cores')).toHaveText('192');
    await expect(page.getByTestId('capacity-tile-utilisation')).toContainText('%');
    await expect(page.getByTestId('capacity-completeness')).toBeVisible();
    await expect(page.getByTestId('capacity-hash')).toContainText(/[0-9a-f]{64}/);
    await expect.poll(() => paintedPixels(page, 'capacity-utilisation-chart')).toBeGreaterThan(500);
    await expect.poll(() => paintedPixels(page, 'capacity-allocation-chart')).toBeGreaterThan(500);
    await expect(page.getByTestId('capacity-allocation-idle')).toContainText('Idle / unallocated');
    const rows = await page.getByTestId('capacity-allocation-row').count();
    expect(rows).toBeGreaterThan(0);
    const amounts = await page.getByTestId('capacity-allocation-amount').allInnerTexts();
    const total = await page.getByTestId('capacity-allocation-total-amount').innerText();
    expect(amounts.reduce((sum, a) => sum + cents(a), 0n)).toBe(cents(total));
    expect(cents(await page.getByTestId('capacity-tile-cost').innerText())).toBe(cents(total));
    await page.screenshot({ path: screenshotPath('41-capacity-report'), fullPage: true });

    // Evenly: no idle share.
    await page.getByTestId('capacity-basis').getByText('Evenly').click();
    await expect(page.getByTestId('capacity-allocation-idle')).toContainText(/0\.00/);

    // The PDF downloads.
    await page.getByTestId('capacity-basis').getByText('vCPU-hours').click();
    await expect(page.getByTestId('capacity-allocation-idle')).not.toContainText(/^\s*Idle \/ unallocated\s+0\.00/);
    const download = page.waitForEvent('download');
    await page.getByTestId('capacity-export-pdf').click();
    const pdf = readFileSync(await (await download).path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // A rate card draft with the break-even prices, opened in the rate card view.
    await page.getByTestId('capacity-recover').click();
    await page.getByTestId('capacity-target').fill('0.6');
    await page.getByTestId('capacity-card-name').fill('Dark site recovery');
    await page.screenshot({ path: screenshotPath('42-capacity-draft-dialog') });
    await page.getByTestId('capacity-draft-confirm').click();
    await expect(page.getByTestId('view-rates')).toBeVisible();
    await expect(page.getByTestId('version-status')).toContainText(/draft/i);
    await expect(page.locator('body')).toContainText('Dark site recovery');
    await expect(page.locator('body')).toContainText('Base VM Size Hours');
    await page.screenshot({ path: screenshotPath('43-capacity-rate-card-draft') });
  });
