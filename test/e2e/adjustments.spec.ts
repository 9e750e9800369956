import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { screenshotPath, useSyncedStack } from './fixtures.ts';
import { dataRows, draftStarterCard, lastMonth, openChargeback } from './helpers.ts';

// An admin manages chargeback adjustments in the console (no CLI): a tax for everyone, a markup for one tenant, a
// refused discount, a removal, an export and its import back; the chargeback of a month then carries the tax.
const stack = useSyncedStack('lab');

/** Publishes a rate card from the starter's example prices, in effect from the first day of `month`. */
async function publishStarterCard(page: Page, month: string): Promise<void> {
  await draftStarterCard(page, month);
  await page.getByTestId('rates-save').click();
  await expect(page.getByTestId('unsaved')).toBeHidden();
  await page.getByTestId('rates-publish').click();
  await page.getByTestId('reason-input').fill('Prices for the pilot');
  await page.getByTestId('reason-confirm').click();
  await expect(page.getByTestId('version-status')).toContainText(/published/i);
}

async function chooseType(page: Page, label: string): Promise<void> {
  await page.getByTestId('adj-type').click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

test('an admin adds, edits, refuses, removes, exports and imports adjustments, and chargeback applies them',
  async ({ page }) => {
    test.setTimeout(180_000);
    const month = lastMonth();
    await page.goto(stack().consoleUrl);
    await publishStarterCard(page, month);

    // No adjustment yet: the view says what they are for.
    await page.getByTestId('nav-adjustments').click();
    await expect(page.getByTestId('adjustments-empty')).toBeVisible();

    // A 20 % tax for all tenants, with a reason.
    await page.getByTestId('adjustments-new').click();
    const dialog = page.getByTestId('adjustment-dialog');
    await chooseType(page, 'Tax');
    await expect(page.getByTestId('adj-id')).toHaveValue('tax-1');
    await page.getByTestId('adj-label').fill('VAT');
    await page.getByTestId('adj-percent').fill('20');
    await page.getByTestId('adj-reason').fill('VAT applies to every tenant from this month');
    await page.screenshot({ path: screenshotPath('adjustments-1-new-tax') });
    await page.getByTestId('adj-save').click();
    await expect(dialog).toBeHidden();
    const grid = page.getByTestId('adjustments-grid');
    const tax = dataRows(grid).filter({ hasText: 'tax-1' });
    await expect(tax.locator('[col-id="type"]')).toHaveText('Tax');
    await expect(tax.locator('[col-id="scope"]')).toHaveText('All tenants');
    await expect(tax.locator('[col-id="value"]')).toHaveText('20 %');

    // A markup for one tenant, picked among the tenants with usage; then changed from the keyboard (Enter edits).
    await page.getByTestId('adjustments-new').click();
    await expect(page.getByTestId('adj-id')).toHaveValue('markup-1');
    await page.getByTestId('adj-label').fill('Managed service');
    await page.getByTestId('adj-scope').getByText('A tenant', { exact: true }).click();
    const tenant = await page.locator('#adj-scope-choices option').first().getAttribute('value');
    expect(tenant).toBeTruthy();
    await page.getByTestId('adj-scope-target').fill(tenant!);
    // The dialog names the tenant the ID is (its directory domain).
    await expect(page.getByTestId('adj-scope-name')).toHaveText(/\.example$/);
    await page.getByTestId('adj-percent').fill('10');
    await page.getByTestId('adj-reason').fill('Managed service for this tenant');
    await page.getByTestId('adj-save').click();
    await expect(dialog).toBeHidden();
    const markup = dataRows(grid).filter({ hasText: 'markup-1' });
    await expect(markup.locator('[col-id="scope"]')).toContainText(`Tenant `);
    await expect(markup.locator('[col-id="scope"]')).toContainText(tenant!);
    await markup.locator('[col-id="label"]').click();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('adj-id')).toHaveValue('markup-1');
    await expect(page.getByTestId('adj-id')).toBeDisabled();
    await page.getByTestId('adj-percent').fill('12.5');
    await page.getByTestId('adj-reason').fill('Agreed 12.5 % in the renewal');
    await page.screenshot({ path: screenshotPath('adjustments-2-edit-markup') });
    await page.getByTestId('adj-save').click();
    await expect(dialog).toBeHidden();
    await expect(markup.locator('[col-id="value"]')).toHaveText('+12.5 %');

    // A 120 % discount is refused by the core; the dialog says why beside the percent and keeps what was typed.
    await page.getByTestId('adjustments-new').click();
    await chooseType(page, 'Discount');
    await page.getByTestId('adj-label').fill('Too generous');
    await page.getByTestId('adj-percent').fill('120');
    await page.getByTestId('adj-reason').fill('Trying a discount');
    await page.getByTestId('adj-save').click();
    await expect(page.getByTestId('adj-error-percent')).toHaveText('Must be at most 100 (got 120).');
    await expect(page.getByTestId('adj-percent')).toHaveValue('120');
    await page.screenshot({ path: screenshotPath('adjustments-3-refused') });
    await page.getByTestId('adj-cancel').click();
    await expect(dialog).toBeHidden();
    await expect(dataRows(grid)).toHaveCount(2);

    // A price override of one meter, picked from the catalog by name.
    await page.getByTestId('adjustments-new').click();
    await chooseType(page, 'Price override');
    await page.getByTestId('adj-label').fill('Pilot VM price');
    await page.getByTestId('adj-meterId').click();
    await page.keyboard.type('Windows VM Size Hours');
    await page.getByRole('option', { name: /^Windows VM Size Hours/ }).first().click();
    await page.getByTestId('adj-unitPrice').fill('0.01');
    await page.getByTestId('adj-reason').fill('Pilot price for Windows VMs');
    await page.getByTestId('adj-save').click();
    await expect(dialog).toBeHidden();
    await expect(dataRows(grid).filter({ hasText: 'price-override-1' }).locator('[col-id="value"]'))
      .toHaveText(/^0\.01 per unit of Windows VM Size Hours/);

    // The markup removed with a reason (Delete on its row asks for it).
    await markup.locator('[col-id="label"]').click();
    await page.keyboard.press('Delete');
    await page.getByTestId('reason-input').fill('Managed service ended');
    await page.getByTestId('reason-confirm').click();
    await expect(markup).toHaveCount(0);
    await expect(dataRows(grid)).toHaveCount(2);

    // Exported as a file (downloaded), which imports back unchanged.
    const download = page.waitForEvent('download');
    await page.getByTestId('adjustments-export').click();
    const exportedFile = await download;
    const text = readFileSync(await exportedFile.path(), 'utf8');
    const exported = JSON.parse(text) as { format: string; adjustments: { id: string }[] };
    expect(exported.format).toBe('stackmeter-adjustments');
    expect(exported.adjustments.map((a) => a.id)).toEqual(['price-override-1', 'tax-1']);
    await expect(page.getByText(/^Downloaded stackmeter-adjustments-/)).toBeVisible();
    await page.getByTestId('adjustments-file').setInputFiles({
      name: exportedFile.suggestedFilename(), mimeType: 'application/json', buffer: Buffer.from(text),
    });
    await page.getByTestId('reason-input').fill('Restoring the exported file');
    await page.getByTestId('reason-confirm').click();
    await expect(page.getByTestId('import-unchanged')).toHaveText('price-override-1, tax-1');
    await expect(page.getByTestId('reason-dialog')).toBeHidden();
    await page.screenshot({ path: screenshotPath('adjustments-4-list') });

    // The month's chargeback now carries the tax.
    await openChargeback(page, month);
    await expect(page.getByTestId('total-total')).toContainText(/USD/);
    await expect(page.getByTestId('total-adjustments')).toContainText(/USD/);
    await expect(page.getByTestId('total-adjustments')).not.toHaveText(/^0\.00\b/);
    await page.screenshot({ path: screenshotPath('adjustments-5-chargeback') });

    // The audit log holds each change with its reason.
    await page.getByTestId('nav-audit').click();
    await expect(page.getByTestId('audit-grid')).toContainText('adjustment.save');
    await expect(page.getByTestId('audit-grid')).toContainText('adjustment.remove');
  });
