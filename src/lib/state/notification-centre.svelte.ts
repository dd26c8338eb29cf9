/**
 * The in-app notification centre's read marks: the time up to which this person has read their
 * notifications, kept per user on this device (localStorage). The list itself comes from the
 * domain (`notificationsFor`), so it is the same on every device and works offline.
 */
import type { InAppNotification } from '#domain/notifications/notifications';
import type { Iso, UserId } from '#domain/model';

const key = (userId: UserId) => `leasehold:notifications-read:${userId}`;

function readMark(userId: UserId): Iso {
  try {
    return localStorage.getItem(key(userId)) ?? '';
  } catch {
    return '';
  }
}

class ReadMarks {
  #marks = $state<Record<UserId, Iso>>({});

  /** Everything at or before this time counts as read. '' when nothing was read yet. */
  readUpTo(userId: UserId): Iso {
    return this.#marks[userId] ?? readMark(userId);
  }

  unread(userId: UserId, list: readonly InAppNotification[]): number {
    const mark = this.readUpTo(userId);
    return list.filter((n) => n.at > mark).length;
  }

  markAllRead(userId: UserId, at: Iso): void {
    this.#marks[userId] = at;
    try {
      localStorage.setItem(key(userId), at);
    } catch {
      // Private mode or full storage: the mark lasts for this visit.
    }
  }
}

export const readMarks = new ReadMarks();
