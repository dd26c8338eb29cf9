/**
 * Which storage a relay process uses: PostgreSQL when DATABASE_URL is a postgres:// or
 * postgresql:// URL (opt-in: a managed, backed-up database), otherwise the embedded SQLite file
 * in DATA_DIR. Either way one relay is the single writer.
 */
import { join } from 'node:path';
import { isPostgresUrl, openPostgresStorage, redactUrl } from './postgres';
import { openSqliteStorage } from './sqlite';
import type { RelayStorage } from './types';

export type ConfiguredStorage = {
  storage: RelayStorage;
  /** Where the data lives, fit for logs (never a password). */
  location: string;
};

export async function openConfiguredStorage(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): Promise<ConfiguredStorage> {
  const url = env.DATABASE_URL;
  if (isPostgresUrl(url)) {
    const location = redactUrl(url);
    return { storage: await openPostgresStorage(url), location };
  }
  const file = join(dataDir, 'leasehold.sqlite');
  return { storage: openSqliteStorage(file), location: file };
}
