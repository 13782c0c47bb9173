import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the admin UI into `dist/`, which the server serves at `/` with an SPA fallback.
 * `npm run dev -w @keyward/admin-ui` proxies the API to a local server (KEYWARD_DEV_API, default
 * http://127.0.0.1:8080).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/v1': { target: process.env.KEYWARD_DEV_API ?? 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});
