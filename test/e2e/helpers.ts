import { expect, type Locator, type Page } from '@playwright/test';

// What the specs read off the console's page (grid rows, counts, whether a chart really drew) and the steps they share.

/** The data rows a grid has rendered (not its header or pinned totals row). */
export const dataRows = (grid: Locator): Locator => grid.locator('.ag-row[row-index]:not(.ag-row-pinned)');

/** A count shown in the console (formatted in the browser's locale), as a number. */
export async function countIn(locator: Locator): Promise<number> {
  return Number((await locator.innerText()).replace(/\D/g, ''));
}

/** Painted pixels of the first canvas inside the element with this test id: Chart.js really drew something. */
export async function paintedPixels(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
    return painted;
  });
}

/** Goes to the chargeback view and runs the month (yyyy-mm) priced with the "Standard" rate card. */
export async function openChargeback(page: Page, month: string): Promise<void> {
  await page.getByTestId('nav-chargeback').click();
  await page.getByTestId('chargeback-month').fill(month);
  await page.getByTestId('chargeback-month').press('Enter');
  await page.getByTestId('chargeback-card').click();
  await page.getByRole('option', { name: /Standard/ }).click();
}

/** The last whole UTC month (the sync reaches 31 days back, so it has usage): `YYYY-MM`. */
export function lastMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/** Drafts a rate card "Standard" from the starter's example prices, in effect from the first day of `month`. */
export async function draftStarterCard(page: Page, month: string): Promise<void> {
  await page.getByTestId('nav-rates').click();
  await page.getByTestId('rates-new').click();
  await page.getByTestId('card-name').fill('Standard');
  await page.getByTestId('from-starter').click();
  await page.getByTestId('create-card').click();
  await expect(page.getByTestId('version-status')).toContainText(/draft/i);
  await page.getByTestId('version-effective').fill(`${month}-01`);
}
