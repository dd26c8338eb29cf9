import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

/** `npm run dev` proxies the API and sockets to a relay on PORT, as `npm run relay` reads it. */
const relay = `localhost:${process.env.PORT ?? 8787}`;

export default defineConfig({
  plugins: [
    sveltekit(),
    // Installable PWA: a Workbox service worker precaches the app shell so every route opens
    // offline; updates wait for the user ("new version available — reload").
    SvelteKitPWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Leasehold — just-in-time privileged access',
        short_name: 'Leasehold',
        description: 'Activate privileged roles just in time, confirmed with your passkey.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#1d3557',
        background_color: '#f1faee',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,webmanifest}'],
        // The API, sockets and ledger are live data: never answer them from the precache.
        navigateFallbackDenylist: [/^\/api\//, /^\/sync\//, /^\/\.well-known\//, /^\/healthz/],
        // generateSW has no notification-click handler of its own: static/sw-notifications.js.
        importScripts: ['/sw-notifications.js'],
      },
      kit: { adapterFallback: 'index.html', spa: true, includeVersionFile: true },
    }),
  ],
  optimizeDeps: { include: ['yjs', 'y-indexeddb', 'y-websocket', 'dexie'] },
  server: {
    proxy: {
      '/api': `http://${relay}`,
      '/sync': { target: `ws://${relay}`, ws: true },
      '/.well-known': `http://${relay}`,
    },
  },
  test: {
    include: [
      'src/**/*.test.ts',
      'sync-server/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/lint/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
