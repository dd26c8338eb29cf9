/**
 * Local date and time inputs (`<input type="date">`, `<input type="time">`) and the relay's UTC
 * instants, both ways. The reader picks moments in their own time zone.
 */
import type { Iso } from '#domain/model';

/** The local date and time as an instant, or null when either is missing or not a real moment. */
export function localDateTime(date: string, time: string): Iso | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const moment = new Date(
    Number(d[1]),
    Number(d[2]) - 1,
    Number(d[3]),
    Number(t[1]),
    Number(t[2]),
    0,
    0,
  );
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}

/** An instant as the local `yyyy-mm-dd` and `hh:mm` that date and time inputs show. */
export function toLocalInputs(iso: Iso): { date: string; time: string } {
  const moment = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`,
    time: `${pad(moment.getHours())}:${pad(moment.getMinutes())}`,
  };
}

/** "starts in 2 h 5 min" style span words, or "starting now" once due. */
export function startsIn(startsAt: Iso, nowMs: number): string {
  const ms = Date.parse(startsAt) - nowMs;
  if (ms <= 0) return 'starting now';
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const span =
    days > 0
      ? `${days} d ${hours} h`
      : hours > 0
        ? `${hours} h ${minutes} min`
        : minutes > 0
          ? `${minutes} min`
          : `${seconds} s`;
  return `starts in ${span}`;
}
