import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A browser-only SPA: the relay serves build/ and falls back to index.html. precompress
    // writes .br and .gz beside each text file, which the relay sends to browsers that accept them.
    adapter: adapter({ fallback: 'index.html', precompress: true }),
    // The PWA plugin's Workbox worker is registered through workbox-window (src/lib/services/pwa.ts).
    serviceWorker: { register: false },
  },
};

export default config;
