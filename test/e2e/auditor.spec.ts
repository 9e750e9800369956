import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { createCore } from '../../electron/core/index.ts';
import { screenshotPath, useSyncedStack } from './fixtures.ts';

// An auditor opens the cache of a synced stamp read-only: a rate card priced and published, last month charged and
// its statement finalized by the operator beforehand. The console must say it is in auditor mode, offer no change,
// verify the statement by replay and hand over the audit trail as a PDF; the cache file must not change.

const stack = useSyncedStack('lab');
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin', 'stackmeter.js');
const quiet = { info() {}, warn() {}, error() {} };

/** The first day of the last whole UTC month and of this one: the period the statement covers. */
function lastMonth(): { from: string; to: string } {
  const now = new Date();
  const day = (months: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 1))
    .toISOString().slice(0, 10);
  return { from: day(-1), to: day(0) };
}

/** What the operator did before handing the cache over: a published card and a finalized statement of last month. */
async function prepareEvidence(dbFile: string): Promise<string> {
  const core = createCore({ dbPath: dbFile, log: quiet, exportDir: join(stack().dir, 'exports') });
  try {
    const period = lastMonth();
    const card = await core['rates:create']({ name: 'Standard', currency: 'USD',
      rounding: { mode: 'half-even', point: 'line' }, from: 'starter' });
    const draft = card.versions[0]!;
    await core['rates:saveDraft'](card.id, draft.version, { effectiveFrom: period.from, meters: draft.meters });
    await core['rates:publish'](card.id, draft.version, 'Prices for the pilot tenants');
    const statement = await core['statements:create']({ period, rateCardId: card.id });
    await core['statements:finalize'](statement.id, 'Month closed, approved for invoicing');
    return statement.id;
  } finally {
    await core.close();
  }
}

let auditor: ChildProcess | undefined;
test.afterAll(async () => {
  if (auditor && auditor.exitCode === null) {
    await new Promise((done) => {
      auditor!.once('exit', done);
      auditor!.kill('SIGINT');
    });
  }
});

/** `stackmeter serve --read-only` on the cache, as a second process beside the operator's console. */
function serveReadOnly(dbFile: string): Promise<string> {
  auditor = spawn(process.execPath, [CLI, 'serve', '--db', dbFile, '--read-only', '--json'],
    { cwd: ROOT, env: { ...process.env, XDG_CONFIG_HOME: join(stack().dir, 'auditor-home') },
      stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveUrl, reject) => {
    createInterface({ input: auditor!.stdout! })
      .once('line', (line) => resolveUrl((JSON.parse(line) as { url: string }).url));
    auditor!.once('exit', (code) => reject(new Error(`stackmeter serve --read-only exited with ${code}`)));
  });
}

const sha256Of = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

test('an auditor opens the cache read-only, verifies the statement by replay and prints the audit trail',
  async ({ page }) => {
    test.setTimeout(180_000);
    const { dbFile } = stack();
    const statementId = await prepareEvidence(dbFile);
    const url = await serveReadOnly(dbFile);
    const before = sha256Of(dbFile);
    await page.goto(url);

    // The title bar and the header say so, with the file's name.
    await expect(page).toHaveTitle('Stackmeter — Auditor mode (read-only) — cache.sqlite');
    await expect(page.getByTestId('auditor-banner')).toContainText('Auditor mode (read-only)');
    await expect(page.getByTestId('auditor-file')).toHaveText('cache.sqlite');

    // No sync and no stamp changes: the controls are there, disabled, and say why.
    await page.getByTestId('nav-connections').click();
    for (const id of ['add-stamp', 'sync-all', 'sync-button-lab', 'remove-lab']) {
      await expect(page.getByTestId(id)).toBeDisabled();
    }
    await expect(page.getByTestId('add-stamp')).toHaveAttribute('title', /Auditor mode \(read-only\)/);
    await page.screenshot({ path: screenshotPath('auditor-connections') });

    // The rate card shows as published; nothing on it can be created, imported or edited.
    await page.getByTestId('nav-rates').click();
    await expect(page.getByTestId('version-status')).toContainText(/published/i);
    await expect(page.getByTestId('rates-new')).toBeDisabled();
    await expect(page.getByTestId('rates-import')).toBeDisabled();
    await expect(page.getByTestId('rates-add-version')).toBeDisabled();

    // The statement replays identical, alone and with every other finalized one.
    await page.getByTestId('nav-statements').click();
    await page.getByText(statementId).first().click();
    await expect(page.getByTestId('statement-status')).toHaveText('finalized');
    await expect(page.getByTestId('statement-correct')).toBeDisabled();
    await page.getByTestId('statement-replay').click();
    await expect(page.getByTestId('replay-verdict')).toHaveText('Identical');
    await page.getByTestId('statements-verify-all').click();
    await expect(page.getByTestId('verify-all-headline')).toHaveText(
      'All 1 finalized statement is identical when recomputed.');
    await expect(page.getByTestId(`verify-row-${statementId}`)).toHaveAttribute('data-identical', 'true');
    await page.screenshot({ path: screenshotPath('auditor-statements') });

    // The audit log: the verdict at once, and the trail as a PDF download.
    await page.getByTestId('nav-audit').click();
    await expect(page.getByTestId('audit-verdict')).toContainText(/intact/i);
    await expect(page.getByTestId('audit-grid')).toContainText('statement.finalize');
    const download = page.waitForEvent('download');
    await page.getByTestId('audit-export-pdf').click();
    const pdf = await download;
    expect(pdf.suggestedFilename()).toMatch(/^stackmeter-audit-trail-\d{8}-\d{6}\.pdf$/);
    expect(readFileSync(await pdf.path()).subarray(0, 5).toString()).toBe('%PDF-');
    await page.screenshot({ path: screenshotPath('auditor-audit-log') });

    // Printing lays out the whole trail alone, oldest first, under the verdict.
    await page.evaluate(() => {
      window.print = () => undefined;
    });
    await page.getByTestId('audit-print').click();
    await page.emulateMedia({ media: 'print' });
    const trail = page.getByTestId('audit-print-trail');
    await expect(trail).toBeVisible();
    await expect(trail).toContainText('Chain verification: Intact');
    await expect(trail.locator('tbody tr').first()).toContainText('rate-card.create');
    await expect(page.getByTestId('audit-grid')).toBeHidden();
    await page.screenshot({ path: screenshotPath('auditor-print'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // Nothing the auditor did changed the cache.
    expect(sha256Of(dbFile)).toBe(before);
  });
