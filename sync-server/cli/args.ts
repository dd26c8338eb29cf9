/** Tiny argv parsing shared by the ledger CLIs: `--flag`, `--key value`, and positionals. */

/** A command-line mistake: the CLIs print it with their usage and exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type ParsedArgs = { flags: Set<string>; values: Map<string, string>; positional: string[] };

/**
 * @param argv arguments after the script name
 * @param spec which options take a value and which are bare flags; anything else is refused
 */
export function parseArgs(
  argv: readonly string[],
  spec: { values: readonly string[]; flags: readonly string[] },
): ParsedArgs {
  const parsed: ParsedArgs = { flags: new Set(), values: new Map(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags.includes(name) && inline === undefined) {
      parsed.flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      parsed.values.set(name, value);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return parsed;
}

/** True when this module is the script node was started with (not imported by a test). */
export function isMain(metaUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  const path = new URL(metaUrl).pathname;
  return path === script || path.replace(/\.ts$/, '') === script.replace(/\.ts$/, '');
}
