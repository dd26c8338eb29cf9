/**
 * Probes for the layer rules of docs/architecture.md (eslint.config.js). Each probe is a small
 * file placed, virtually, in a layer; a rule counts as enforced only when its probe fails lint
 * with that rule's error. The allowed probes show the rules do not forbid what a layer may do.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

type Probe = { file: string; code: string; rule: string; says?: RegExp };

const IMPORTS = '@typescript-eslint/no-restricted-imports';
const LAYER_RULES = new Set([
  IMPORTS,
  'no-restricted-globals',
  'no-restricted-properties',
  'no-restricted-syntax',
]);
const ts = (source: string) => `${source}\nexport const probe = 1;\n`;
const svelte = (source: string) => `<script lang="ts">\n  ${source}\n</script>\n`;
const use = (spec: string) => `import { x } from '${spec}';\nexport const y = x;`;

/** Each layer, each way in which it might reach what it must not. */
const FORBIDDEN: Record<string, Probe[]> = {
  domain: [
    { file: 'src/lib/domain/probe.ts', code: use('#ledger/bytes'), rule: IMPORTS },
    { file: 'src/lib/domain/probe.ts', code: use('#protocol/codec'), rule: IMPORTS },
    { file: 'src/lib/domain/probe.ts', code: use('$lib/sync/replica'), rule: IMPORTS },
    { file: 'src/lib/domain/probe.ts', code: use('yjs'), rule: IMPORTS },
    { file: 'src/lib/domain/probe.ts', code: use('node:crypto'), rule: IMPORTS },
    { file: 'src/lib/domain/activation/probe.ts', code: use('../records'), rule: IMPORTS },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const t = Date.now();',
      rule: 'no-restricted-properties',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const t = new Date();',
      rule: 'no-restricted-syntax',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const t = Date();',
      rule: 'no-restricted-syntax',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const r = Math.random();',
      rule: 'no-restricted-properties',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const r = crypto.randomUUID();',
      rule: 'no-restricted-properties',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const r = crypto.getRandomValues(new Uint8Array(4));',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const b = Buffer.from("a");',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const e = process.env;',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const d = document.title;',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'export const p = performance.now();',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/domain/probe.ts',
      code: 'setTimeout(() => {}, 1);',
      rule: 'no-restricted-globals',
    },
  ],
  ledger: [
    { file: 'src/lib/ledger/probe.ts', code: use('#domain/records'), rule: IMPORTS },
    { file: 'src/lib/ledger/probe.ts', code: use('#protocol/codec'), rule: IMPORTS },
    { file: 'src/lib/ledger/probe.ts', code: use('node:crypto'), rule: IMPORTS },
    { file: 'src/lib/ledger/probe.ts', code: use('@noble/hashes'), rule: IMPORTS },
    {
      file: 'src/lib/ledger/probe.ts',
      code: 'export const b = Buffer.alloc(1);',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/ledger/probe.ts',
      code: 'export const e = process.env;',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/ledger/probe.ts',
      code: 'export const t = Date.now();',
      rule: 'no-restricted-properties',
    },
    {
      file: 'src/lib/ledger/probe.ts',
      code: 'export const r = Math.random();',
      rule: 'no-restricted-properties',
    },
    {
      file: 'src/lib/ledger/probe.ts',
      code: 'export const w = window.name;',
      rule: 'no-restricted-globals',
    },
  ],
  protocol: [
    { file: 'src/lib/protocol/probe.ts', code: use('$lib/sync/replica'), rule: IMPORTS },
    { file: 'src/lib/protocol/probe.ts', code: use('$lib/services'), rule: IMPORTS },
    { file: 'src/lib/protocol/probe.ts', code: use('yjs'), rule: IMPORTS },
    { file: 'src/lib/protocol/probe.ts', code: use('node:fs'), rule: IMPORTS },
    { file: 'src/lib/protocol/probe.ts', code: use('../../../sync-server/log'), rule: IMPORTS },
    {
      file: 'src/lib/protocol/probe.ts',
      code: 'export const b = Buffer.alloc(1);',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/protocol/probe.ts',
      code: 'export const e = process.env;',
      rule: 'no-restricted-globals',
    },
    {
      file: 'src/lib/protocol/probe.ts',
      code: 'export const t = new Date();',
      rule: 'no-restricted-syntax',
    },
    {
      file: 'src/lib/protocol/probe.ts',
      code: 'export const r = crypto.randomUUID();',
      rule: 'no-restricted-properties',
    },
    {
      file: 'src/lib/protocol/probe.ts',
      code: 'export const d = document.body;',
      rule: 'no-restricted-globals',
    },
  ],
  sync: [
    { file: 'src/lib/sync/probe.ts', code: use('$lib/services/client'), rule: IMPORTS },
    { file: 'src/lib/sync/probe.ts', code: use('$lib/services'), rule: IMPORTS },
    { file: 'src/lib/sync/probe.ts', code: use('../state/session.svelte'), rule: IMPORTS },
    { file: 'src/lib/sync/probe.ts', code: use('$lib/components/format'), rule: IMPORTS },
    { file: 'src/lib/sync/probe.ts', code: use('node:fs'), rule: IMPORTS },
    { file: 'src/lib/sync/probe.ts', code: use('better-sqlite3'), rule: IMPORTS },
  ],
  webauthn: [
    { file: 'src/lib/webauthn/probe.ts', code: use('$lib/services'), rule: IMPORTS },
    { file: 'src/lib/webauthn/probe.ts', code: use('$lib/state'), rule: IMPORTS },
    { file: 'src/lib/webauthn/probe.ts', code: use('ws'), rule: IMPORTS },
  ],
  services: [
    { file: 'src/lib/services/probe.ts', code: use('$lib/state'), rule: IMPORTS },
    { file: 'src/lib/services/probe.ts', code: use('../state/session.svelte'), rule: IMPORTS },
    { file: 'src/lib/services/probe.ts', code: use('$lib/components/format'), rule: IMPORTS },
    { file: 'src/lib/services/probe.ts', code: use('node:path'), rule: IMPORTS },
    { file: 'src/lib/services/probe.ts', code: use('pg'), rule: IMPORTS },
  ],
  state: [
    { file: 'src/lib/state/probe.svelte.ts', code: use('#protocol/codec'), rule: IMPORTS },
    { file: 'src/lib/state/probe.svelte.ts', code: use('#ledger/bytes'), rule: IMPORTS },
    { file: 'src/lib/state/probe.svelte.ts', code: use('$lib/protocol/codec'), rule: IMPORTS },
    { file: 'src/lib/state/probe.ts', code: use('../ledger/bytes'), rule: IMPORTS },
    { file: 'src/lib/state/probe.svelte.ts', code: use('$lib/sync/replica'), rule: IMPORTS },
    { file: 'src/lib/state/probe.ts', code: use('../webauthn/device-key'), rule: IMPORTS },
    { file: 'src/lib/state/probe.ts', code: use('$lib/components/format'), rule: IMPORTS },
    { file: 'src/lib/state/probe.ts', code: use('yjs'), rule: IMPORTS },
    { file: 'src/lib/state/probe.ts', code: use('dexie'), rule: IMPORTS },
  ],
  components: [
    { file: 'src/lib/components/Probe.svelte', code: svelte(use('$lib/services')), rule: IMPORTS },
    {
      file: 'src/lib/components/Probe.svelte',
      code: svelte(use('$lib/services/client')),
      rule: IMPORTS,
    },
    { file: 'src/lib/components/probe.ts', code: use('../services'), rule: IMPORTS },
    {
      file: 'src/lib/components/Probe.svelte',
      code: svelte(use('$lib/sync/replica')),
      rule: IMPORTS,
    },
    {
      file: 'src/lib/components/Probe.svelte',
      code: svelte(use('#protocol/codec')),
      rule: IMPORTS,
    },
    { file: 'src/lib/components/Probe.svelte', code: svelte(use('#ledger/bytes')), rule: IMPORTS },
    {
      file: 'src/lib/components/Probe.svelte',
      code: svelte(use('#domain/records')),
      rule: IMPORTS,
      says: /domain types only/,
    },
    { file: 'src/lib/components/Probe.svelte', code: svelte(use('dexie')), rule: IMPORTS },
    {
      file: 'src/lib/components/Probe.svelte',
      code: svelte(use('$lib/domain/records')),
      rule: IMPORTS,
      says: /domain types only/,
    },
    { file: 'src/lib/components/probe.ts', code: use('../domain/records'), rule: IMPORTS },
    { file: 'src/lib/components/probe.ts', code: use('$lib/ledger/bytes'), rule: IMPORTS },
  ],
  routes: [
    { file: 'src/routes/probe/+page.svelte', code: svelte(use('#ledger/bytes')), rule: IMPORTS },
    { file: 'src/routes/probe/+page.svelte', code: svelte(use('#protocol/codec')), rule: IMPORTS },
    {
      file: 'src/routes/probe/+page.svelte',
      code: svelte(use('$lib/sync/replica')),
      rule: IMPORTS,
    },
    {
      file: 'src/routes/probe/+page.svelte',
      code: svelte(use('$lib/webauthn/device-key')),
      rule: IMPORTS,
    },
    { file: 'src/routes/probe/+page.ts', code: use('yjs'), rule: IMPORTS },
    { file: 'src/routes/probe/+page.ts', code: use('$lib/protocol/codec'), rule: IMPORTS },
    { file: 'src/routes/probe/+page.ts', code: use('../../lib/ledger/bytes'), rule: IMPORTS },
    { file: 'src/routes/probe/+page.ts', code: use('node:fs'), rule: IMPORTS },
  ],
  'sync-server': [
    { file: 'sync-server/probe.ts', code: use('$lib/services'), rule: IMPORTS },
    { file: 'sync-server/probe.ts', code: use('../src/lib/components/format'), rule: IMPORTS },
    { file: 'sync-server/probe.ts', code: use('../src/lib/sync/replica'), rule: IMPORTS },
    { file: 'sync-server/probe.ts', code: use('../src/routes/+layout.svelte'), rule: IMPORTS },
    { file: 'sync-server/probe.ts', code: use('svelte'), rule: IMPORTS },
    { file: 'sync-server/probe.ts', code: use('svelte/store'), rule: IMPORTS },
    { file: 'sync-server/probe.ts', code: use('dexie'), rule: IMPORTS },
    { file: 'sync-server/probe.ts', code: use('@simplewebauthn/browser'), rule: IMPORTS },
  ],
};

/** What each layer may do: these must lint clean. */
const ALLOWED: Omit<Probe, 'rule'>[] = [
  { file: 'src/lib/domain/probe.ts', code: use('#domain/records') },
  { file: 'src/lib/domain/activation/probe.ts', code: use('./decide-activation') },
  { file: 'src/lib/domain/probe.ts', code: 'export const at = (iso: string) => new Date(iso);' },
  { file: 'src/lib/ledger/probe.ts', code: use('#ledger/bytes') },
  { file: 'src/lib/ledger/probe.ts', code: 'export const s = crypto.subtle;' },
  { file: 'src/lib/protocol/probe.ts', code: use('#domain/records') + '\n' + use('#ledger/bytes') },
  { file: 'src/lib/sync/probe.ts', code: use('#protocol/codec') + '\n' + use('yjs') },
  {
    file: 'src/lib/services/probe.ts',
    code: use('$lib/sync/replica') + '\n' + use('$lib/webauthn/device-key'),
  },
  {
    file: 'src/lib/state/probe.svelte.ts',
    code: use('$lib/services') + '\n' + use('#domain/records'),
  },
  {
    file: 'src/lib/components/probe.ts',
    code: "import type { User } from '$lib/domain/model';\nexport const u: User | null = null;",
  },
  {
    file: 'src/lib/components/Probe.svelte',
    code: svelte(
      `import type { User } from '#domain/model';\n  import { useClock } from '$lib/state';\n  export const a: User | null = null;\n  useClock();`,
    ),
  },
  {
    file: 'src/routes/probe/+page.svelte',
    code: svelte(use('$lib/services') + '\n' + use('$lib/state') + '\n' + use('#domain/records')),
  },
  {
    file: 'sync-server/probe.ts',
    code: use('#domain/records') + '\n' + use('#protocol/codec') + '\n' + use('node:fs'),
  },
];

let eslint: ESLint;
beforeAll(() => {
  // Probes are virtual files: the type-aware project service cannot see them, and no layer rule
  // needs type information.
  eslint = new ESLint({
    overrideConfig: {
      files: ['**/*.svelte', '**/*.svelte.ts'],
      languageOptions: { parserOptions: { projectService: false } },
    },
  });
});

async function lint(file: string, code: string) {
  const source = file.endsWith('.svelte') ? code : ts(code);
  const [result] = await eslint.lintText(source, { filePath: file });
  return result!.messages;
}

describe('layer rules: every probe fails lint with its rule', () => {
  for (const [layer, probes] of Object.entries(FORBIDDEN)) {
    it.each(probes.map((p) => [p.code.split('\n')[0]!.trim(), p] as const))(
      `${layer}: %s`,
      async (_name, probe) => {
        const messages = await lint(probe.file, probe.code);
        expect(messages.filter((m) => m.fatal)).toEqual([]);
        const hit = messages.find((m) => m.ruleId === probe.rule);
        expect(hit, `expected ${probe.rule} in ${JSON.stringify(messages)}`).toBeDefined();
        if (probe.says) expect(hit!.message).toMatch(probe.says);
      },
    );
  }
});

describe('layer rules: what a layer may do lints clean', () => {
  it.each(ALLOWED.map((p) => [p.file, p] as const))('%s', async (_file, probe) => {
    const messages = await lint(probe.file, probe.code);
    expect(messages.filter((m) => m.fatal || LAYER_RULES.has(m.ruleId ?? ''))).toEqual([]);
  });
});
