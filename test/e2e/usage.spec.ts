import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { screenshotPath, useSyncedStack } from './fixtures.ts';
import { countIn, dataRows, paintedPixels } from './helpers.ts';

// One simulated stamp synced by the CLI into the cache the console serves, then browsed as an auditor would.
const stack = useSyncedStack('lab');

/**
 * Where a bar of the chart is, in page coordinates, found by reading the canvas back: the pixel row crossing the most
 * runs of coloured (not grey, not white) pixels crosses the bars (the legend's swatches are fewer), and the middle run
 * on it is a bar.
 */
async function barPoint(page: Page, testId: string): Promise<{ x: number; y: number }> {
  const canvas = page.getByTestId(testId).locator('canvas').first();
  const box = (await canvas.boundingBox())!;
  const point = await canvas.evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const coloured = (d: Uint8ClampedArray, i: number) =>
      d[i + 3]! > 200 && Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 40;
    let best: { y: number; runs: { start: number; end: number }[] } = { y: 0, runs: [] };
    for (let y = Math.floor(c.height * 0.2); y < c.height * 0.95; y += 3) {
      const row = ctx.getImageData(0, y, c.width, 1).data;
      const runs: { start: number; end: number }[] = [];
      let start = -1;
      for (let x = 0; x <= c.width; x++) {
        const on = x < c.width && coloured(row, x * 4);
        if (on && start < 0) start = x;
        if (!on && start >= 0) {
          if (x - start >= 4) runs.push({ start, end: x });
          start = -1;
        }
      }
      if (runs.length > best.runs.length) best = { y, runs };
    }
    const bar = best.runs[Math.floor(best.runs.length / 2)];
    return bar ? { x: (bar.start + bar.end) / 2, y: best.y, width: c.width, height: c.height } : null;
  });
  expect(point, 'a bar drawn on the chart').not.toBeNull();
  return {
    x: box.x + (point!.x / point!.width) * box.width,
    y: box.y + (point!.y / point!.height) * box.height,
  };
}

test('an auditor finds a meter by a fragment of its ID, reads what it measures, and clicks a bar to see its records',
  async ({ page }) => {
    await page.goto(stack().consoleUrl);
    await page.getByTestId('nav-meters').click();
    const grid = page.getByTestId('meters-grid');
    await expect(grid.getByRole('row').filter({ hasText: 'Windows VM Size Hours' })).toBeVisible();

    // Meter IDs are quoted with and without hyphens: a fragment without them still finds the meter.
    await page.keyboard.press('/');
    await page.keyboard.type('9cd92d4cbafd4492');
    const rows = dataRows(grid);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Windows VM Size Hours');
    await expect(rows.first().locator('svg')).toBeVisible(); // its sparkline
    await page.screenshot({ path: screenshotPath('20-meters-search-by-id') });

    await rows.first().click();
    await expect(page.getByTestId('view-meter')).toBeVisible();
    await expect(page).toHaveURL(/#\/meter\/9cd92d4c-bafd-4492-b278-bedc2de8232a$/);
    await expect(page.getByTestId('meter-id')).toHaveText('9cd92d4c-bafd-4492-b278-bedc2de8232a');
    await expect(page.getByTestId('meter-unit-explanation')).toContainText(/core/i);
    await expect(page.getByTestId('meter-top-tenants')).not.toBeEmpty();
    await expect.poll(() => paintedPixels(page, 'meter-chart')).toBeGreaterThan(3000);
    await page.screenshot({ path: screenshotPath('21-meter-detail') });

    // A click on a bar shows the records behind it: this meter's, in that bucket.
    const { x, y } = await barPoint(page, 'meter-chart');
    await page.mouse.click(x, y);
    const panel = page.getByTestId('meter-bar-records');
    await expect(panel).toBeVisible();
    await expect.poll(() => countIn(panel.getByTestId('records-count'))).toBeGreaterThan(0);
    const recordRows = dataRows(panel.getByTestId('records-grid'));
    await expect(recordRows.first()).toContainText('Windows VM Size Hours');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('22-meter-bar-records') });

    // The biggest resource of the meter opens on its own page, parsed from instanceData.
    await page.getByTestId('meter-top-resources').getByRole('button').first().click();
    await expect(page.getByTestId('view-resource')).toBeVisible();
    const header = page.getByTestId('resource-header');
    await expect(header).toContainText('Microsoft.Compute/virtualMachines');
    await expect(header).toContainText(/Standard_[A-Z]/);
    await expect(page.getByTestId('resource-meters')).toContainText('Windows VM Size Hours');
    await expect.poll(() => paintedPixels(page, 'resource-chart')).toBeGreaterThan(1000);
    await page.screenshot({ path: screenshotPath('23-resource') });
  });

test('the explorer groups usage with a totals row, drills into a group, and exports the view to CSV and Excel, '
  + 'formula-safe', async ({ page }) => {
  await page.goto(stack().consoleUrl);
  await page.getByTestId('nav-explorer').click();
  const grid = page.getByTestId('explore-grid');
  const rows = dataRows(grid);
  await expect(rows.first()).toContainText(/\S/);
  // Grouped by meter (the default): the totals row counts every record of the cache.
  const totals = grid.locator('.ag-row.ag-row-pinned');
  await expect(totals).toContainText('Total');

  // Add the tenant as the outer grouping.
  await page.getByTestId('group-add').click();
  await page.getByRole('option', { name: 'Tenant', exact: true }).click();
  await page.getByRole('button', { name: 'Move Tenant outwards' }).click();
  const firstHeader = grid.locator('.ag-header-cell[aria-colindex="1"]');
  await expect(firstHeader).toContainText('Tenant');
  await expect(rows.first()).toContainText(/\S/);
  await page.screenshot({ path: screenshotPath('24-explorer-tenant-meter') });

  // Enter drills into the first tenant: the filter gains it and the grouping keeps the meter.
  await rows.first().locator('.ag-cell[aria-colindex="1"]').click();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('drill-path')).toBeVisible();
  await expect(firstHeader).toContainText('Meter');
  await page.screenshot({ path: screenshotPath('25-explorer-drilled') });
  await page.getByTestId('drill-up').click();
  await expect(page.getByTestId('drill-path')).toBeHidden();

  // Group by the "owner" tag alone: some resources carry "@platform", which a spreadsheet would run as a formula.
  await page.getByTestId('group-add').click();
  await page.getByRole('option', { name: 'Tag', exact: true }).click();
  await page.getByTestId('group-tag-key').fill('owner');
  await page.getByTestId('group-tag-key').press('Enter');
  for (const dimension of ['Tenant', 'Meter']) {
    await page.getByRole('button', { name: `Stop grouping by ${dimension}` }).click();
  }
  await expect(rows.filter({ hasText: '@platform' })).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('26-explorer-by-tag') });

  const csvDownload = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csvPath = await (await csvDownload).path();
  const csv = readFileSync(csvPath, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff); // the BOM that makes Excel read UTF-8
  const lines = csv.slice(1).split('\r\n').filter((l) => l !== '');
  expect(lines.some((l) => l.startsWith("'@platform"))).toBe(true);
  expect(lines.some((l) => l.startsWith('@platform'))).toBe(false);
  expect(lines.at(-1)).toMatch(/^Total/);

  const xlsxDownload = page.waitForEvent('download');
  await page.getByTestId('export-xlsx').click();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await (await xlsxDownload).path());
  const values: string[] = [];
  workbook.worksheets[0]!.eachRow((row) => row.eachCell((cell) => values.push(String(cell.value))));
  expect(values).toContain("'@platform");
  expect(values).not.toContain('@platform');
  await page.screenshot({ path: screenshotPath('27-explorer-exported') });
});

test('the completeness map shows records per hour and subscription and says how far each stamp is complete',
  async ({ page }) => {
    await page.goto(stack().consoleUrl);
    await page.getByTestId('nav-completeness').click();
    await expect(page.getByTestId('view-completeness')).toBeVisible();
    await expect(page.getByTestId('completeness-verdict').first()).toContainText(/Complete through|gap/);
    await expect.poll(() => paintedPixels(page, 'completeness-heatmap')).toBeGreaterThan(5000);
    await page.screenshot({ path: screenshotPath('28-completeness') });
  });
