import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/*
 * Layer rules of docs/architecture.md, one block per layer. `no-restricted-imports` patterns use
 * gitignore syntax, where a leading `#` starts a comment, so every pattern here is a regex.
 * Each rule has a probe in test/lint/layers.test.ts that must fail lint: a rule without a failing
 * probe is not enforced.
 */

/** An import of the lib folder `name`, by alias or by a relative path climbing to it. */
const libFolder = (name) => `^(\\$lib/|(\\.\\./)+((src/)?lib/)?)${name}(/|$)`;
/** An isomorphic layer by its subpath import, its alias or a relative climb. */
const sharedLayer = (name) => `^#${name}/|${libFolder(name)}`;
const restrictions = {
  domain: { regex: sharedLayer('domain'), message: 'the domain is not for this layer' },
  ledger: { regex: sharedLayer('ledger'), message: 'the ledger is not for this layer' },
  protocol: { regex: sharedLayer('protocol'), message: 'the protocol is not for this layer' },
  sync: { regex: libFolder('sync'), message: 'sync is reached through services' },
  webauthn: { regex: libFolder('webauthn'), message: 'webauthn is reached through services' },
  services: { regex: libFolder('services'), message: 'services are reached through state' },
  state: { regex: libFolder('state'), message: 'state classes are for routes and components' },
  components: { regex: libFolder('components'), message: 'components are for routes' },
  node: { regex: '^node:', message: 'Node built-ins belong to the relay' },
  serverLibs: {
    regex: '^(ws|better-sqlite3|pg)$',
    message: 'server libraries belong to the relay',
  },
  browserState: {
    regex: '^(yjs|y-.*|dexie|lib0(/.*)?)$',
    message: 'replicas and stores are reached through services',
  },
};
const forbid = (...names) => names.map((n) => restrictions[n]);
/** Isomorphic layers import only themselves (and the listed layers), never a package. */
const onlyFrom = (...prefixes) => [
  {
    regex: `^(?!(${prefixes.map((p) => p.replace('/', '\\/')).join('|')}|\\./))`,
    message: `this isomorphic layer imports only ${prefixes.join(', ')} and its own folder`,
  },
  { regex: '\\.\\./', message: 'reach other modules through their # subpath import, not ../' },
];
const imports = (patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

/** No clock, no randomness, no Node or DOM globals in the isomorphic layers (domain, ledger, protocol). */
const hostGlobals = [
  'Buffer',
  'process',
  'require',
  '__dirname',
  'global',
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'setTimeout',
  'setInterval',
  'performance',
].map((name) => ({ name, message: `${name} is host-specific: isomorphic code must not use it` }));
const isomorphic = (extraGlobals = []) => ({
  'no-restricted-globals': ['error', ...hostGlobals, ...extraGlobals],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'time arrives as an argument (`at`)' },
    { object: 'Math', property: 'random', message: 'no randomness here' },
    { object: 'crypto', property: 'randomUUID', message: 'no randomness here' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'time arrives as an argument (`at`): no `new Date()` without one',
    },
    {
      selector: "CallExpression[callee.name='Date']",
      message: 'time arrives as an argument (`at`): no `Date()`',
    },
  ],
});
const tests = ['**/*.test.ts', '**/test-support.ts'];

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
  // domain → nothing; pure: no clock, no randomness, no host.
  {
    files: ['src/lib/domain/**/*.ts'],
    ignores: tests,
    rules: {
      ...imports(onlyFrom('#domain/')),
      ...isomorphic([{ name: 'crypto', message: 'the domain is pure: no crypto' }]),
    },
  },
  // ledger → nothing but WebCrypto.
  {
    files: ['src/lib/ledger/**/*.ts'],
    ignores: tests,
    rules: { ...imports(onlyFrom('#ledger/')), ...isomorphic() },
  },
  // protocol → domain, ledger.
  {
    files: ['src/lib/protocol/**/*.ts'],
    ignores: tests,
    rules: { ...imports(onlyFrom('#domain/', '#ledger/', '#protocol/')), ...isomorphic() },
  },
  // sync, webauthn → domain, ledger, protocol, libraries.
  {
    files: ['src/lib/sync/**/*.ts', 'src/lib/webauthn/**/*.ts'],
    ignores: tests,
    rules: imports(forbid('services', 'state', 'components', 'node', 'serverLibs')),
  },
  // services → everything in lib except state and components.
  {
    files: ['src/lib/services/**/*.ts'],
    ignores: tests,
    rules: imports(forbid('state', 'components', 'node', 'serverLibs')),
  },
  // state → services, domain.
  {
    files: ['src/lib/state/**/*.ts'],
    ignores: tests,
    rules: imports(
      forbid(
        'ledger',
        'protocol',
        'sync',
        'webauthn',
        'components',
        'node',
        'serverLibs',
        'browserState',
      ),
    ),
  },
  // components → state and domain types.
  {
    files: ['src/lib/components/**/*.ts', 'src/lib/components/**/*.svelte'],
    ignores: tests,
    rules: imports([
      {
        ...restrictions.domain,
        allowTypeImports: true,
        message: 'components take domain types only: values come through state',
      },
      ...forbid(
        'ledger',
        'protocol',
        'sync',
        'webauthn',
        'services',
        'node',
        'serverLibs',
        'browserState',
      ),
    ]),
  },
  // routes → state, services, components, domain.
  {
    files: ['src/routes/**/*.ts', 'src/routes/**/*.svelte'],
    ignores: tests,
    rules: imports(
      forbid('ledger', 'protocol', 'sync', 'webauthn', 'node', 'serverLibs', 'browserState'),
    ),
  },
  // sync-server → domain, ledger, protocol, Node: never browser code.
  {
    files: ['sync-server/**/*.ts'],
    ignores: tests,
    rules: imports([
      { regex: '^\\$(lib|app)(/|$)', message: 'the relay never imports browser code' },
      {
        regex: '(^|/)src/(routes|lib/(sync|webauthn|services|state|components))(/|$)',
        message: 'the relay never imports browser code',
      },
      { regex: '^svelte(/|$)', message: 'the relay never imports Svelte' },
      {
        regex: '^(y-indexeddb|dexie|@simplewebauthn/browser|workbox-window)$',
        message: 'browser libraries stay in the browser',
      },
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
