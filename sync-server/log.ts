/** One JSON line per event on stderr; LOG_LEVEL=silent|error|warn|info|debug (default info). */
const LEVELS = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 } as const;
type Level = Exclude<keyof typeof LEVELS, 'silent'>;

const threshold = (): number =>
  LEVELS[(process.env.LOG_LEVEL as keyof typeof LEVELS) ?? 'info'] ?? LEVELS.info;

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] > threshold()) return;
  process.stderr.write(
    `${JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields })}\n`,
  );
}
