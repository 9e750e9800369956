import { defineConfig } from '@playwright/test';

// The desktop app spec: Playwright's Electron support launches the built app (npm run build) with the binary the electron
// package installed. Where there is none, the spec is skipped and global-setup.ts says why (`npm run test:electron`).
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './global-setup.ts',
  workers: 1,
  timeout: 60_000,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});
