import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { screenshotPath, useSyncedStack } from './fixtures.ts';
import { dataRows, draftStarterCard, lastMonth, openChargeback, paintedPixels } from './helpers.ts';

// One simulated stamp synced by the CLI into the cache the console serves; an admin prices it and an auditor checks it.
const stack = useSyncedStack('lab');

/** Types a value into an editable grid cell as a person does: Enter to edit, type, Enter to commit. */
async function editCell(cell: Locator, value: string): Promise<void> {
  await cell.click();
  await cell.press('Enter');
  await cell.page().keyboard.press('Control+A');
  await cell.page().keyboard.type(value);
  await cell.page().keyboard.press('Enter');
}

test('an admin prices usage with a rate card, charges a month, and finalizes a statement that replays identical',
  async ({ page }) => {
    test.setTimeout(180_000);
    const month = lastMonth();
    await page.goto(stack().consoleUrl);

    // A new rate card from the starter's example prices, in effect from the first day of the month to charge.
    await draftStarterCard(page, month);

    // A negative price is refused in the cell, before anything is saved.
    await page.getByTestId('rates-search').fill('Windows VM Size Hours');
    const row = dataRows(page.getByTestId('rate-grid')).filter({ hasText: 'Windows VM Size Hours' }).first();
    const price = row.locator('.ag-cell[col-id="unitPrice"]');
    await editCell(price, '-1');
    await expect(price).toHaveClass(/cell-problem/);
    await expect(page.getByTestId('rates-problems')).toBeVisible();
    await page.screenshot({ path: screenshotPath('30-rate-card-problem') });
    await editCell(price, '0.0125');
    await expect(price).not.toHaveClass(/cell-problem/);
    await expect(page.getByTestId('rates-problems')).toBeHidden();

    await page.getByTestId('rates-save').click();
    await expect(page.getByTestId('unsaved')).toBeHidden();
    await page.getByTestId('rates-publish').click();
    await page.getByTestId('reason-input').fill('Prices for the pilot tenants');
    await page.getByTestId('reason-confirm').click();
    await expect(page.getByTestId('version-status')).toContainText(/published/i);
    await expect(page.getByTestId('version-readonly')).toBeVisible();
    await page.screenshot({ path: screenshotPath('31-rate-card-published') });

    // Chargeback of the month by tenant: a chart, a row per tenant, and the lines behind a row.
    await openChargeback(page, month);
    const grid = page.getByTestId('chargeback-grid');
    await expect(dataRows(grid).first()).toContainText(/\.example/);
    await expect(page.getByTestId('total-total')).toContainText(/USD/);
    await expect.poll(() => paintedPixels(page, 'chargeback-chart')).toBeGreaterThan(2000);
    await page.screenshot({ path: screenshotPath('32-chargeback') });
    await dataRows(grid).first().click();
    const lines = page.getByTestId('chargeback-lines');
    await expect(lines).toBeVisible();
    // Each line names the rate card version that priced it (v1), or a dash when nothing did.
    await expect(dataRows(lines).first().locator('.ag-cell[col-id="version"]')).toHaveText(/^(v1|—)$/);
    await lines.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('33-chargeback-lines') });

    // A statement of the month: finalized with a reason, it carries a hash and replays identical.
    await page.getByTestId('create-statement').click();
    await expect(page.getByTestId('view-statements')).toBeVisible();
    await expect(page.getByTestId('statement-status')).toHaveText(/draft/i);
    await page.getByTestId('statement-finalize').click();
    await page.getByTestId('reason-input').fill(`Chargeback of ${month}`);
    await page.getByTestId('reason-confirm').click();
    await expect(page.getByTestId('statement-status')).toHaveText(/finalized/i);
    await expect(page.getByTestId('statement-hash')).toHaveAttribute('title', /^[0-9a-f]{64}$/);
    await page.getByTestId('statement-replay').click();
    await expect(page.getByTestId('replay-verdict')).toContainText(/identical/i);
    await page.screenshot({ path: screenshotPath('34-statement-finalized') });

    // Its PDF (one file for every tenant) and its FOCUS file download.
    const pdfDownload = page.waitForEvent('download');
    await page.getByTestId('statement-export-pdf-combined').click();
    const pdf = readFileSync(await (await pdfDownload).path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const focusDownload = page.waitForEvent('download');
    await page.getByTestId('statement-export-focus').click();
    const focus = readFileSync(await (await focusDownload).path(), 'utf8');
    expect(focus.split('\r\n')[0]).toContain('BilledCost');
    expect(focus).toContain('x_StatementHash');

    // The audit log holds the publish, the statement, its finalization and the exports, and its chain is intact.
    await page.getByTestId('nav-audit').click();
    const audit = page.getByTestId('audit-grid');
    await expect(audit).toContainText('rate-card.publish');
    await expect(audit).toContainText('statement.finalize');
    await expect(audit).toContainText('export');
    await page.getByTestId('audit-verify').click();
    await expect(page.getByTestId('audit-verdict')).toContainText(/intact/i);
    await page.screenshot({ path: screenshotPath('35-audit-log') });
  });
