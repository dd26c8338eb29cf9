/**
 * Times for people: one style everywhere, in the reader's time zone and naming it, 24-hour clock
 * ("17:05 CET" today, "Thu 27 Nov, 17:05 CET" this week, "3 Jan 2027, 17:05 CET" otherwise), and
 * plain words for spans ("7 h 59 min left"). The domain's sentences (rejections, audit lines)
 * keep their instants typed beside their UTC text; `formatSentence` says them here the same way.
 * Machine-readable `datetime` attributes stay ISO.
 */
import type { Iso } from '#domain/model';
import type { InstantPart, Sentence, SentencePart } from '#domain/sentence';

const LOCALE = 'en-GB';
// The zone is named at every instant it formats: CET in winter, CEST in summer.
const time = new Intl.DateTimeFormat(LOCALE, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});
const day = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric' });
const dayNoYear = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short' });
const weekday = new Intl.DateTimeFormat(LOCALE, { weekday: 'short' });

const sameLocalDay = (a: Date, b: Date) =>
  a.getFullYear() === b.getFullYear() &&
  a.getMonth() === b.getMonth() &&
  a.getDate() === b.getDate();

/** "17:05 CET". */
export const formatTime = (iso: Iso): string => time.format(new Date(iso));

/** "26 Nov 2026": a local calendar day, so no zone. */
export const formatDate = (iso: Iso): string => day.format(new Date(iso));

/** "26 Nov 2026, 17:05 CET". */
export const formatDateTime = (iso: Iso): string => `${formatDate(iso)}, ${formatTime(iso)}`;

/** "17:05 CET" today, "Thu 27 Nov, 17:05 CET" within a week, else "3 Jan 2027, 17:05 CET". */
export function formatMoment(iso: Iso, nowMs: number): string {
  const date = new Date(iso);
  const now = new Date(nowMs);
  if (sameLocalDay(date, now)) return formatTime(iso);
  if (Math.abs(date.getTime() - nowMs) < 6 * 86_400_000) {
    return `${weekday.format(date)} ${dayNoYear.format(date)}, ${formatTime(iso)}`;
  }
  return formatDateTime(iso);
}

/** "Ends at 17:05 CET" today, "Ends Thu 27 Nov, 17:05 CET" later. */
export function endsLabel(endsAt: Iso, nowMs: number): string {
  const moment = formatMoment(endsAt, nowMs);
  return sameLocalDay(new Date(endsAt), new Date(nowMs)) ? `Ends at ${moment}` : `Ends ${moment}`;
}

/**
 * A sentence's parts as one string: words as they are, each typed value said by `say`. The
 * domain's own `text` is this with every instant in UTC; the app says them with `formatMoment`.
 * (Components take domain types only, so the one renderer lives here, beside the formatters.)
 */
export function renderSentence(
  parts: readonly SentencePart[],
  say: { instant: (iso: Iso, part: InstantPart) => string },
): string {
  let text = '';
  for (const part of parts)
    text += typeof part === 'string' ? part : say.instant(part.instant, part);
  return text;
}

/** Words for people here: a domain sentence with each instant said the app's way, or plain words. */
export const formatSentence = (words: string | Sentence, nowMs: number): string =>
  typeof words === 'string'
    ? words
    : renderSentence(words.parts, { instant: (iso) => formatMoment(iso, nowMs) });

/** "7 h 59 min", "42 min", "35 s" (whole units, rounded down). */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return `${minutes} min`;
  return `${seconds} s`;
}

/** "7 h 59 min left". */
export const timeLeft = (endsAt: Iso, nowMs: number): string =>
  `${formatSpan(Date.parse(endsAt) - nowMs)} left`;

/** "8 hours", "1 hour 30 minutes", "45 minutes". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h === 1 ? '1 hour' : `${h} hours`;
  const mins = m === 1 ? '1 minute' : `${m} minutes`;
  if (h === 0) return mins;
  return m === 0 ? hours : `${hours} ${mins}`;
}

/** Words for where a command is on its way (see CommandProgress in the services layer). */
export function progressText(
  progress: 'checking' | 'confirming' | 'sending' | 'waiting',
  sending: string,
): string {
  switch (progress) {
    case 'checking':
      return 'Checking the request…';
    case 'confirming':
      return 'Confirm with your passkey…';
    case 'sending':
      return sending;
    case 'waiting':
      return 'You are offline. This is saved on this device and will be sent when the connection is back…';
  }
}
