import { expect, test, type Page } from '@playwright/test';
import {
  screenshotPath, SIM_CLIENT_ID, SIM_SECRET, startInProcessStamp, startStack, type InProcessStamp, type Stack,
} from './fixtures.ts';
import { countIn, paintedPixels } from './helpers.ts';

// The tests share one simulator, console and cache (a failed test restarts them), so each adds stamps of its own names.
let stack: Stack;

test.beforeAll(async () => {
  stack = await startStack();
});
test.afterAll(async () => {
  await stack?.stop();
});

interface StampChoice {
  url?: string;
  caFile?: string | null;
  tenant?: string;
}

/** Fills the add-stamp form for the simulator (an operator connection whose secret is kept for this session only). */
async function fillStampForm(page: Page, name: string, choice: StampChoice = {}): Promise<void> {
  await page.getByTestId('nav-connections').click();
  await page.getByTestId('add-stamp').click();
  // The dialog has opened when it has put the cursor in the first field.
  await expect(page.getByTestId('stamp-name')).toBeFocused();
  await page.getByTestId('stamp-name').fill(name);
  await expect(page.getByTestId('kind-operator')).toBeChecked();
  await page.getByTestId('arm-endpoint').fill(choice.url ?? stack.simulatorUrl);
  await page.getByTestId('client-id').fill(SIM_CLIENT_ID);
  await expect(page.getByTestId('credential-secret')).toBeChecked();
  await page.getByTestId('secret-session').check();
  await page.getByTestId('secret-value').fill(SIM_SECRET);
  const caFile = choice.caFile === undefined ? stack.caFile : choice.caFile;
  if (caFile) {
    await page.getByTestId('ca-file').setInputFiles(caFile);
    await expect(page.getByTestId('ca-file-name')).toBeVisible();
  }
}

async function addStamp(page: Page, name: string, choice: StampChoice = {}): Promise<void> {
  await fillStampForm(page, name, choice);
  await page.getByTestId('save-stamp').click();
}

/** Chooses a stamp (or "All stamps") in the stamp filter of the current view. */
async function filterStamp(page: Page, label: string): Promise<void> {
  await page.getByTestId('stamp-filter').click();
  await page.getByRole('option', { name: label, exact: true }).click();
  await expect(page.getByTestId('stamp-filter')).toContainText(label);
}

const utcHour = (): string => new Date().toISOString().slice(0, 13);

test('an operator adds the simulated stamp, syncs it twice, and sees the meters and the usage chart', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(stack.consoleUrl);
  // The token travels in the fragment only until the console has read it.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await page.screenshot({ path: screenshotPath('01-overview-empty') });

  await fillStampForm(page, 'lab');
  // The browser console cannot keep a secret encrypted by the operating system: only the desktop app offers it.
  await expect(page.getByTestId('secret-protected')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('02-add-stamp-form') });
  await page.getByTestId('save-stamp').click();

  const card = page.getByTestId('stamp-lab');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('stamp-kind')).toHaveText('Operator');
  await expect(card.getByTestId('stamp-sign-in')).toHaveText('AD FS');
  await expect(card.getByTestId('stamp-credential')).toHaveText('Client secret, this session only (in memory)');
  await expect(card.getByTestId('stamp-proxy')).toContainText('HTTPS_PROXY');
  await expect(card).toContainText(stack.simulatorUrl);
  await page.screenshot({ path: screenshotPath('03-stamp-added') });

  // First sync: new usage, i.e. everything the stamp has in the default look-back.
  const firstHour = utcHour();
  await expect(page.getByTestId('sync-button-lab')).toHaveText(/Sync new usage/);
  await page.getByTestId('sync-button-lab').click();
  const progress = page.getByTestId('sync-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toBeVisible();
  await expect(progress.getByTestId('sync-windows')).toContainText(/windows [\d,]+\/[\d,]+/);
  await expect(progress.getByTestId('sync-retries')).toBeVisible();
  await page.screenshot({ path: screenshotPath('04-sync-running') });

  const result = card.getByTestId('sync-result');
  await expect(result).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
  await expect(result).toContainText(/Sync finished: [\d,]+ records/);
  await expect(progress).toBeHidden();
  await expect(card.getByTestId('records-cached')).not.toHaveText('0');
  const history = page.getByTestId('sync-history');
  await expect(history).toContainText('Succeeded');
  await page.screenshot({ path: screenshotPath('05-sync-finished') });
  const cachedAfterFirst = await countIn(card.getByTestId('records-cached'));

  // Second sync: incremental from the watermark. Within the same hour the stamp has nothing new, so nothing is inserted
  // and only the overlap is read again; across an hour boundary only the new hour's records are added.
  await page.getByTestId('sync-button-lab').click();
  await expect(result).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  const secondHour = utcHour();
  const inserted = Number(/([\d,]+) new/.exec(await result.innerText())![1]!.replace(/,/g, ''));
  if (firstHour === secondHour) expect(inserted).toBe(0);
  await expect.poll(() => countIn(card.getByTestId('records-cached'))).toBe(cachedAfterFirst + inserted);
  expect(inserted).toBeLessThan(cachedAfterFirst / 10);

  // The history shows both runs; the incremental one started later in reported time, and every window was done.
  const rows = history.locator('.ag-row[row-id]');
  await expect(rows).toHaveCount(2);
  const rangeOf = (index: number) => history.locator(`.ag-row[row-index="${index}"] [col-id="range"]`).innerText();
  const [newest, oldest] = [await rangeOf(0), await rangeOf(1)];
  expect(newest.split(' → ')[0]! > oldest.split(' → ')[0]!).toBe(true);
  for (const index of [0, 1]) {
    await expect(history.locator(`.ag-row[row-index="${index}"] [col-id="windows"]`)).toHaveText(/^([\d,]+)\/\1$/);
  }
  await page.screenshot({ path: screenshotPath('06-second-sync') });

  await page.getByTestId('nav-overview').click();
  await expect(page.getByTestId('stamp-card-lab')).toBeVisible();
  const chart = page.getByTestId('overview-chart');
  await expect(chart.locator('canvas')).toBeVisible();
  await expect.poll(() => paintedPixels(page, 'overview-chart')).toBeGreaterThan(5000);
  await page.screenshot({ path: screenshotPath('07-overview-chart') });

  await page.getByTestId('nav-meters').click();
  const grid = page.getByTestId('meters-grid');
  await expect(grid.getByRole('row').filter({ hasText: 'Windows VM Size Hours' })).toBeVisible();
  await expect(grid).toContainText('9cd92d4c-bafd-4492-b278-bedc2de8232a');
  await expect(grid).toContainText('Virtual core hours');
  await page.screenshot({ path: screenshotPath('08-meters') });

  // Keyboard: "/" focuses the quick filter, which narrows the grid.
  await page.keyboard.press('/');
  await expect(page.getByTestId('quick-filter')).toBeFocused();
  await page.keyboard.type('disk');
  await expect(grid.getByRole('row').filter({ hasText: 'Windows VM Size Hours' })).toHaveCount(0);
  await expect(grid.getByRole('row').filter({ hasText: 'Managed Disks' }).first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('09-meters-filtered') });
});

test('with several stamps, the stamp filter narrows the Overview and the Meters, and all stamps sync in turn',
  async ({ page }) => {
    test.setTimeout(180_000);
    // Two different stamps: the stack's simulator, and a second one with other tenants.
    const westStamp = await startInProcessStamp(stack.dir, { identity: 'adfs', seed: 2 });
    try {
      await page.goto(stack.consoleUrl);
      await addStamp(page, 'east');
      await expect(page.getByTestId('stamp-east')).toBeVisible();
      await addStamp(page, 'west', { url: westStamp.url, caFile: westStamp.caFile });
      await expect(page.getByTestId('stamp-west')).toBeVisible();
      await severalStamps(page);
    } finally {
      await westStamp.stop();
    }
  });

/** The part of the several-stamps test that runs while both stamps are up. */
async function severalStamps(page: Page): Promise<void> {
  await page.getByTestId('nav-overview').click();
  await expect(page.getByTestId('stamp-card-east')).toBeVisible();
  await expect(page.getByTestId('stamp-card-west')).toBeVisible();
  await filterStamp(page, 'west');
  await expect(page.getByTestId('stamp-card-east')).toHaveCount(0);
  await expect(page.getByTestId('stamp-card-west')).toBeVisible();
  await expect(page.getByTestId('total-stamps')).toContainText('1');
  await expect(page.getByTestId('empty-state')).toContainText('No usage cached for west yet');
  await page.screenshot({ path: screenshotPath('10-stamp-filter-overview') });

  // The choice follows the user to the Meters.
  await page.getByTestId('nav-meters').click();
  await expect(page.getByTestId('stamp-filter')).toContainText('west');
  await expect(page.getByTestId('empty-state')).toContainText('No usage cached for west yet');

  // Sync all stamps: one after another, each one's new usage.
  await page.getByTestId('nav-connections').click();
  const stamps = await page.locator('[data-testid^="remove-"]').count();
  await page.getByTestId('sync-all').click();
  await expect(page.getByTestId('sync-all')).toContainText(new RegExp(`Syncing \\S+ \\(\\d of ${stamps}\\)`));
  await expect(page.getByTestId('sync-progress')).toBeVisible();
  await page.screenshot({ path: screenshotPath('11-sync-all') });
  await expect(page.getByTestId('sync-all')).toHaveText('Sync all stamps', { timeout: 120_000 });
  for (const name of ['east', 'west']) {
    const card = page.getByTestId(`stamp-${name}`);
    await expect(card.getByTestId('sync-result')).toHaveAttribute('data-status', 'succeeded');
    await expect(card.getByTestId('records-cached')).not.toHaveText('0');
  }

  // The history, narrowed to one stamp by the same filter: one run each, started one after the other.
  await expect(page.getByTestId('stamp-filter')).toContainText('west');
  const history = page.getByTestId('sync-history');
  await expect(history.locator('.ag-row[row-id]')).toHaveCount(1);
  await expect(history.locator('.ag-row[row-id] [col-id="connection"]')).toHaveText('west');
  const started = async (name: string): Promise<string> => {
    await filterStamp(page, name);
    await expect(history.locator('.ag-row[row-id] [col-id="connection"]')).toHaveText([name]);
    return history.locator('.ag-row[row-id] [col-id="startedAt"]').innerText();
  };
  expect(await started('east') <= await started('west')).toBe(true);

  // Back in the Meters, still on the last stamp chosen; each stamp has its own meters now.
  await page.getByTestId('nav-meters').click();
  await expect(page.getByTestId('meters-count')).toContainText('on west');
  const grid = page.getByTestId('meters-grid');
  await expect(grid.getByRole('row').filter({ hasText: 'Windows VM Size Hours' })).toBeVisible();
  await filterStamp(page, 'east');
  await expect(page.getByTestId('meters-count')).toContainText('on east');
  await expect(grid.getByRole('row').filter({ hasText: 'Windows VM Size Hours' })).toBeVisible();
  await filterStamp(page, 'All stamps');
  await expect(page.getByTestId('meters-count')).not.toContainText(' on ');
}

test.describe('a stamp run in the test process', () => {
  let stamp: InProcessStamp;

  test.beforeAll(async () => {
    stamp = await startInProcessStamp(stack.dir, { identity: 'entra', seed: 7 });
  });
  test.afterAll(async () => {
    await stamp?.stop();
  });

  test('an Entra ID stamp asks for its directory tenant, and a failed sync\'s errors can be read in full',
    async ({ page }) => {
      test.setTimeout(180_000);
      await page.goto(stack.consoleUrl);
      await fillStampForm(page, 'entra', { url: stamp.url, caFile: stamp.caFile });
      await expect(page.getByTestId('tenant-id')).toHaveCount(0);
      await page.getByTestId('save-stamp').click();

      // The core finds out that the stamp signs in through Entra ID and names the missing field; the form shows it there.
      const tenantError = page.getByTestId('error-tenantId');
      await expect(tenantError).toContainText('tenantId');
      await expect(page.getByTestId('add-stamp-error')).toHaveCount(0);
      await page.screenshot({ path: screenshotPath('12-entra-tenant-required') });
      await page.getByTestId('tenant-id').fill(stamp.directory.domain);
      await expect(tenantError).toHaveCount(0);
      await page.getByTestId('save-stamp').click();

      const card = page.getByTestId('stamp-entra');
      await expect(card.getByTestId('stamp-sign-in')).toHaveText(`Entra ID (${stamp.directory.domain})`);

      // The stamp's all-tenant queries time out at its gateway: a backfill of one day that also sweeps for deleted
      // subscriptions gets every subscriber's usage but cannot finish the sweep window, and ends partial.
      stamp.faults.gatewayTimeoutWithoutSubscriber = true;
      const yesterday = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
      await page.getByTestId('sync-advanced-entra').click();
      await page.getByTestId('sync-mode-range-entra').check();
      await page.getByTestId('sync-from-entra').fill(yesterday);
      await page.getByTestId('sync-through-entra').fill(yesterday);
      await card.getByRole('button', { name: 'Daily' }).click();
      await page.getByTestId('sync-sweep-entra').check();
      await expect(page.getByTestId('sync-button-entra')).toHaveText(/Sync range/);
      await page.getByTestId('sync-button-entra').click();
      const result = card.getByTestId('sync-result');
      await expect(result).toHaveAttribute('data-status', 'partial', { timeout: 90_000 });
      await expect(result).toContainText('failed — the next sync retries them');
      await expect(card.getByTestId('records-cached')).not.toHaveText('0');

      await filterStamp(page, 'entra');
      const history = page.getByTestId('sync-history');
      const row = history.locator('.ag-row[row-id]');
      await expect(row).toHaveCount(1);
      await expect(row.locator('[col-id="status"]')).toHaveText('Partial');
      await row.locator('[col-id="errors"]').click();
      const details = page.getByTestId('run-details');
      await expect(details).toContainText('Some windows failed — the next sync retries them.');
      const windowError = details.getByTestId('window-error').first();
      await expect(windowError).toContainText('All-tenant usage');
      await expect(windowError).toContainText(yesterday);
      await details.scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath('13-history-details') });
    });
});

test('a stamp whose CA is not trusted is refused with an explanation of what to do', async ({ page }) => {
  await page.goto(stack.consoleUrl);
  await addStamp(page, 'untrusted', { caFile: null });
  const error = page.getByTestId('add-stamp-error');
  await expect(error).toContainText('not trusted');
  await expect(error).toContainText('CA certificate');
  await expect(page.getByTestId('stamp-untrusted')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('14-untrusted-ca') });
});

test('the console refuses to work without the launch token', async ({ page, request }) => {
  await page.goto(stack.consoleUrl.replace(/#.*$/, ''));
  await expect(page.getByTestId('no-token')).toContainText('stackmeter serve');
  await page.screenshot({ path: screenshotPath('15-no-token') });

  const res = await request.post(new URL('/api/overview:get', stack.consoleUrl).toString(), { data: { args: [] } });
  expect(res.status()).toBe(401);
});
