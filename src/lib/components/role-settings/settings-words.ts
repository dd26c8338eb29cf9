/** Words for the role settings form's choices. */
import { formatDuration } from '../format';

const EXPIRY_WORDS: Record<number, string> = {
  15: '15 days',
  30: '1 month',
  90: '3 months',
  180: '6 months',
  365: '1 year',
};

/** "1 month", "1 year", or a number of days. */
export function expiryWord(days: number): string {
  return EXPIRY_WORDS[days] ?? `${days} days`;
}

/** "Off", "15 minutes", "1 hour", "1 day", "7 days". */
export function minutesWord(minutes: number): string {
  if (minutes === 0) return 'Off';
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  return formatDuration(minutes);
}
