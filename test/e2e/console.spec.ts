import { expect, test, type Page } from '@playwright/test';
import { screenshotPath, SIM_CLIENT_ID, SIM_SECRET, startStack, type Stack } from './fixtures.ts';

let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.stop();
});

async function addStamp(page: Page, name: string, withCa: boolean): Promise<void> {
  await page.getByTestId('nav-connections').click();
  await page.getByTestId('add-stamp').click();
  await page.getByTestId('stamp-name').fill(name);
  await page.getByTestId('arm-endpoint').fill(stack.simulatorUrl);
  await page.getByTestId('client-id').fill(SIM_CLIENT_ID);
  await page.getByTestId('secret-session').check();
  await page.getByTestId('secret-value').fill(SIM_SECRET);
  if (withCa) {
    await page.getByTestId('ca-file').setInputFiles(stack.caFile);
    await expect(page.getByTestId('ca-file-name')).toHaveText('simulator-ca.pem');
  }
  await page.getByTestId('save-stamp').click();
}

/** True when the chart's canvas has painted pixels, i.e. Chart.js really drew bars (not just an empty canvas). */
async function canvasPaintedPixels(page: Page): Promise<number> {
  return page.getByTestId('overview-chart').locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
    return painted;
  });
}

test('an operator adds the simulated stamp, syncs it, and sees the meters and the usage chart', async ({ page }) => {
  await page.goto(stack.consoleUrl);
  // The token travels in the fragment only until the console has read it.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.screenshot({ path: screenshotPath('01-overview-empty') });

  await addStamp(page, 'lab', true);
  const card = page.getByTestId('stamp-lab');
  await expect(card).toBeVisible();
  await expect(card).toContainText('AD FS');
  await expect(card).toContainText(stack.simulatorUrl);
  await expect(card).toContainText('this session only');
  await page.screenshot({ path: screenshotPath('02-stamp-added') });

  await page.getByTestId('sync-button-lab').click();
  const progress = page.getByTestId('sync-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toBeVisible();
  await page.screenshot({ path: screenshotPath('03-sync-running') });

  const result = card.getByTestId('sync-result');
  await expect(result).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
  await expect(result).toContainText(/Sync finished: [\d,]+ records/);
  await expect(progress).toBeHidden();
  await expect(card.getByTestId('records-cached')).not.toHaveText('0');
  await expect(page.getByTestId('sync-history')).toContainText('succeeded');
  await page.screenshot({ path: screenshotPath('04-sync-finished') });

  await page.getByTestId('nav-overview').click();
  await expect(page.getByTestId('stamp-card-lab')).toBeVisible();
  const chart = page.getByTestId('overview-chart');
  await expect(chart.locator('canvas')).toBeVisible();
  await expect.poll(() => canvasPaintedPixels(page)).toBeGreaterThan(5000);
  await page.screenshot({ path: screenshotPath('05-overview-chart') });

  await page.getByTestId('nav-meters').click();
  const grid = page.getByTestId('meters-grid');
  await expect(grid.getByRole('row').filter({ hasText: 'Windows VM Size Hours' })).toBeVisible();
  await expect(grid).toContainText('9cd92d4c-bafd-4492-b278-bedc2de8232a');
  await expect(grid).toContainText('Virtual core hours');
  await page.screenshot({ path: screenshotPath('06-meters') });

  // Keyboard: "/" focuses the quick filter, which narrows the grid.
  await page.keyboard.press('/');
  await expect(page.getByTestId('quick-filter')).toBeFocused();
  await page.keyboard.type('disk');
  await expect(grid.getByRole('row').filter({ hasText: 'Windows VM Size Hours' })).toHaveCount(0);
  await expect(grid.getByRole('row').filter({ hasText: 'Managed Disks' }).first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('07-meters-filtered') });
});

test('a stamp whose CA is not trusted is refused with an explanation of what to do', async ({ page }) => {
  await page.goto(stack.consoleUrl);
  await addStamp(page, 'untrusted', false);
  const error = page.getByTestId('add-stamp-error');
  await expect(error).toContainText('not trusted');
  await expect(error).toContainText('CA certificate');
  await expect(page.getByTestId('stamp-untrusted')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('08-untrusted-ca') });
});

test('the console refuses to work without the launch token', async ({ page, request }) => {
  await page.goto(stack.consoleUrl.replace(/#.*$/, ''));
  await expect(page.getByTestId('no-token')).toContainText('stackmeter serve');
  await page.screenshot({ path: screenshotPath('09-no-token') });

  const res = await request.post(new URL('/api/overview:get', stack.consoleUrl).toString(), { data: { args: [] } });
  expect(res.status()).toBe(401);
});
