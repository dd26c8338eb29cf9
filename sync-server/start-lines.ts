/** What the relay tells the person who started it, on stdout: where it is and where data lives. */

const STORAGE_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;

export function startLines(opts: {
  name: string;
  origin: string;
  storage: keyof typeof STORAGE_NAMES;
  /** The SQLite file, or the PostgreSQL URL with its password masked. */
  location: string;
}): string {
  return `${opts.name} is listening on ${opts.origin}\nData: ${STORAGE_NAMES[opts.storage]}, ${opts.location}\n`;
}
