import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { screenshotPath, startStack, useSyncedStack, type Stack } from './fixtures.ts';
import { lastMonth } from './helpers.ts';

// An operator carries a month to another network as a signed bundle; the other side opens it, sees every check, and
// imports it only when it verifies (trusting the sender's key once they have compared its fingerprint).

// The consoles sign bundles with a key kept encrypted under this passphrase (set before the stacks start).
process.env.STACKMETER_BUNDLE_PASSPHRASE = 'e2e bundle passphrase 2026';
const stack = useSyncedStack('lab');
const CLI = resolve(import.meta.dirname, '../../bin/stackmeter.js');

async function openTransfer(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('nav-transfer').click();
  await expect(page.getByTestId('view-transfer')).toBeVisible();
}

/** Opens a bundle through the console's chooser, as a person picks a file. */
async function openBundle(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('transfer-open-button').click();
  await (await chooser).setFiles(file);
  await expect(page.getByTestId('transfer-verdict')).toBeVisible();
}

test('a bundle exports, verifies with the CLI, is refused when tampered, imports once trusted', async ({ page }) => {
  test.setTimeout(180_000);
  const first = stack();
  let second: Stack | undefined;
  try {
    await openTransfer(page, first.consoleUrl);
    await expect(page.getByTestId('transfer-key-none')).toBeVisible();

    // Export: the key is made on the way, and the browser downloads the .smb.
    await page.getByTestId('transfer-month').fill(lastMonth());
    const download = page.waitForEvent('download');
    await page.getByTestId('transfer-export-button').click();
    const file = join(first.dir, 'carried.smb');
    await (await download).saveAs(file);
    await expect(page.getByTestId('transfer-exported')).toContainText(/usage records/);
    const fingerprint = (await page.getByTestId('transfer-key-long').innerText()).trim();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: screenshotPath('transfer-export'), fullPage: true });

    // The file verifies on any machine with the CLI alone.
    const verify = execFileSync(process.execPath, [CLI, 'bundle', 'verify', file, '--trust', fingerprint],
      { encoding: 'utf8' });
    expect(verify).toContain('carried.smb verifies: every check passed.');

    // A copy with one byte changed shows the failing check, and no Import button.
    const tampered = join(first.dir, 'tampered.smb');
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 3)] ^= 0x20;
    writeFileSync(tampered, bytes);
    await openBundle(page, tampered);
    await expect(page.getByTestId('transfer-verdict')).toContainText('Refused');
    await expect(page.locator('[data-testid^="bundle-check-"][data-ok="false"]').first()).toBeVisible();
    await expect(page.getByTestId('transfer-import-button')).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('transfer-tampered'), fullPage: true });

    // The good one on the cache that made it: verified by its own key, and everything is already present.
    await openBundle(page, file);
    await expect(page.getByTestId('transfer-verdict')).toContainText('Verified');
    await page.getByTestId('transfer-import-button').click();
    const usage = page.getByTestId('bundle-import-usage-records');
    await expect(usage.locator('[data-role="added"]')).toHaveText('0');
    await expect(usage.locator('[data-role="present"]')).not.toHaveText('0');

    // A second, empty console: the signer is not trusted until its fingerprint is typed in.
    second = await startStack();
    await openTransfer(page, second.consoleUrl);
    await openBundle(page, file);
    await expect(page.getByTestId('transfer-verdict')).toContainText('does not trust');
    await expect(page.getByTestId('bundle-check-trusted-key')).toHaveAttribute('data-ok', 'false');
    const importButton = page.getByTestId('transfer-import-button');
    await expect(importButton).toBeDisabled();
    await page.getByTestId('transfer-trust-input').fill(fingerprint.slice(0, 20));
    await expect(importButton).toBeDisabled();
    await page.getByTestId('transfer-trust-input').fill(fingerprint.toUpperCase());
    await page.screenshot({ path: screenshotPath('transfer-untrusted'), fullPage: true });
    await importButton.click();
    await expect(page.getByTestId('transfer-imported')).toContainText('now trusted');
    await expect(usage.locator('[data-role="added"]')).not.toHaveText('0');
    await page.screenshot({ path: screenshotPath('transfer-imported'), fullPage: true });

    // The imported stamp is there, without a sign-in.
    await page.getByTestId('nav-connections').click();
    await expect(page.getByText('lab').first()).toBeVisible();
  } finally {
    await second?.stop();
  }
});
