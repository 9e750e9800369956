import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The console is one static bundle served the same way by Electron (its app:// protocol) and by the browser-mode
// server; the relative base keeps it independent of where it is mounted. No eval and no inline scripts, so the strict CSP in renderer/index.html holds in production.
export default defineConfig({
  root: fileURLToPath(new URL('../renderer/', import.meta.url)),
  base: './',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // AG Grid alone is ~1 MB minified; the bundle is loaded from disk, never over a network.
    chunkSizeWarningLimit: 3000,
  },
  server: { host: '127.0.0.1' },
});
