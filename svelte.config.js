import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A browser-only SPA: the relay serves build/ and falls back to index.html.
    adapter: adapter({ fallback: 'index.html' }),
  },
};

export default config;
