import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Import boundaries from CONVENTIONS.md: each layer names what it may not import. */
const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});
const browserLibs = ['yjs', 'y-*', 'dexie', '@simplewebauthn/*', 'ws', 'better-sqlite3', 'node:*'];
const layer = (name) => [`$lib/${name}/*`, `**/${name}/*`];

export default ts.config(
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    files: ['src/lib/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([...browserLibs, '#ledger/*', '#protocol/*', '$lib/*', '../*']),
  },
  {
    files: ['src/lib/ledger/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([...browserLibs, '#domain/*', '#protocol/*', '$lib/*', '../*']),
  },
  {
    files: ['src/lib/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([...browserLibs, '$lib/*', '../*']),
  },
  {
    files: ['src/lib/sync/**/*.ts', 'src/lib/webauthn/**/*.ts'],
    rules: restrict([
      ...layer('services'),
      ...layer('state'),
      ...layer('components'),
      'ws',
      'better-sqlite3',
      'node:*',
    ]),
  },
  {
    files: ['src/lib/services/**/*.ts'],
    rules: restrict([...layer('state'), ...layer('components'), 'ws', 'better-sqlite3', 'node:*']),
  },
  {
    files: ['src/lib/state/**/*.ts'],
    rules: restrict([
      ...layer('components'),
      ...layer('sync'),
      ...layer('webauthn'),
      'ws',
      'better-sqlite3',
      'node:*',
    ]),
  },
  {
    files: ['src/lib/components/**/*'],
    rules: restrict([
      ...layer('services'),
      ...layer('sync'),
      ...layer('webauthn'),
      'yjs',
      'dexie',
      'node:*',
    ]),
  },
  {
    files: ['src/routes/**/*'],
    rules: restrict([
      ...layer('sync'),
      ...layer('webauthn'),
      '#ledger/*',
      'yjs',
      'dexie',
      'node:*',
    ]),
  },
  {
    files: ['sync-server/**/*.ts'],
    rules: restrict([
      '$lib/*',
      '**/src/lib/sync/*',
      '**/src/lib/webauthn/*',
      '**/src/lib/services/*',
      '**/src/lib/state/*',
      'y-indexeddb',
      'dexie',
      '@simplewebauthn/browser',
    ]),
  },
  {
    ignores: [
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'data/',
    ],
  },
);
