import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Three projects: the plain-Node core (unit), the core against real SQLite files and the HTTPS simulator
// (integration), and the Vue renderer in happy-dom (components and stores; charts are checked in Chromium by e2e).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/unit/renderer/**/*.test.ts'],
        },
      },
    ],
  },
});
