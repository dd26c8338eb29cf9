/**
 * The checks every decider makes of what a client typed or chose: ids for new records, names
 * and free text. Each returns the Rejection to refuse with, or null; the messages name `what`
 * so the refusal says which field is wrong.
 */
import { hasOwn, isUsableId } from './records';
import { reject, type Rejection } from './rejections';

/** Longest display name, ticket field, and role, scope, unit and group name. */
export const MAX_NAME_LENGTH = 100;
/** Longest justification, and role and group description. */
export const MAX_TEXT_LENGTH = 500;

/** The refusal of a client-chosen id for a new `kind` that cannot be used. */
export function invalidIdRejection(kind: string): Rejection {
  return reject('invalid-value', `The new ${kind} id is not usable.`);
}

/** Why `id` cannot name a new `kind`, or null (for ids that need not be new). */
export function invalidId(id: unknown, kind: string): Rejection | null {
  return isUsableId(id) ? null : invalidIdRejection(kind);
}

/** Why a client-chosen id for a new record cannot be used, or null. */
export function newIdProblem(
  record: Readonly<Record<string, unknown>>,
  id: unknown,
  kind: string,
): Rejection | null {
  if (!isUsableId(id)) return invalidIdRejection(kind);
  if (hasOwn(record, id)) return reject('duplicate-id', `A ${kind} with id ${id} already exists.`);
  return null;
}

/** Why `value` is not a name of 1 to MAX_NAME_LENGTH characters (trimmed), or null. */
export function invalidName(value: unknown, what: string): Rejection | null {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed.length < 1 || trimmed.length > MAX_NAME_LENGTH) {
    return reject('invalid-value', `${what} must be 1 to ${MAX_NAME_LENGTH} characters.`);
  }
  return null;
}

/** 'justification-required' when required and blank, 'invalid-value' when too long or not text. */
export function invalidText(
  value: unknown,
  what: string,
  { required }: { required: boolean },
): Rejection | null {
  if (typeof value !== 'string') return reject('invalid-value', `${what} must be text.`);
  const trimmed = value.trim();
  if (required && trimmed === '') {
    return reject('justification-required', `${what} is required here.`);
  }
  if (trimmed.length > MAX_TEXT_LENGTH) {
    return reject('invalid-value', `${what} must be at most ${MAX_TEXT_LENGTH} characters.`);
  }
  return null;
}
