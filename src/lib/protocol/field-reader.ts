/**
 * Reading untrusted JSON one field at a time. Every check names the field it failed on, so a
 * rejection tells the sender exactly what was wrong; an object with an unknown field is
 * refused, because what is signed is what is read.
 */

/** The frame is fine but the command inside breaks the schema: answered with `malformed-command`. */
export class CommandShapeError extends Error {
  override name = 'CommandShapeError';
  readonly cmdId: string | null;
  constructor(message: string, cmdId: string | null) {
    super(message);
    this.cmdId = cmdId;
  }
}

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** A role id: an id, or a PIM for Groups pseudo-role `group-member:<id>` / `group-owner:<id>`. */
const ROLE_ID = /^(group-(member|owner):)?[A-Za-z0-9_-]{1,128}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Reads fields below `path`; every failure is a CommandShapeError under `cmdId`. */
export class Reader {
  readonly #path: string;
  readonly #cmdId: string | null;
  constructor(path: string, cmdId: string | null) {
    this.#path = path;
    this.#cmdId = cmdId;
  }

  fail(message: string): never {
    throw new CommandShapeError(`${this.#path}: ${message}`, this.#cmdId);
  }

  object(value: unknown, allowed: readonly string[], field = ''): Obj {
    const where = field ? `${field} ` : '';
    if (!isObj(value)) this.fail(`${where}must be an object`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`${where}has an unknown field "${key}"`);
    }
    return value;
  }

  string(o: Obj, key: string, max = 1000): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(`${key} must be a string`);
    if (v.length > max) this.fail(`${key} is longer than ${max} characters`);
    return v;
  }

  id(o: Obj, key: string): string {
    const v = this.string(o, key, 128);
    if (!ID.test(v)) this.fail(`${key} must be 1–128 characters of A–Z, a–z, 0–9, _ or -`);
    return v;
  }

  roleId(o: Obj, key: string): string {
    const v = this.string(o, key, 142);
    if (!ROLE_ID.test(v)) this.fail(`${key} must be a role id`);
    return v;
  }

  b64url(o: Obj, key: string, max = 8192): string {
    const v = this.string(o, key, max);
    if (!B64URL.test(v)) this.fail(`${key} must be base64url`);
    return v;
  }

  iso(o: Obj, key: string): string {
    const v = this.string(o, key, 24);
    if (!ISO.test(v) || Number.isNaN(Date.parse(v)) || new Date(v).toISOString() !== v) {
      this.fail(`${key} must be an RFC 3339 UTC time like 2026-01-31T12:00:00.000Z`);
    }
    return v;
  }

  isoOrNull(o: Obj, key: string): string | null {
    return o[key] === null ? null : this.iso(o, key);
  }

  int(o: Obj, key: string, min: number, max: number): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`${key} must be a whole number`);
    if (v < min || v > max) this.fail(`${key} must be between ${min} and ${max}`);
    return v;
  }

  bool(o: Obj, key: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') this.fail(`${key} must be true or false`);
    return v;
  }

  oneOf<T extends string>(o: Obj, key: string, values: readonly T[]): T {
    const v = o[key];
    if (typeof v !== 'string' || !values.includes(v as T))
      this.fail(`${key} must be one of ${values.join(', ')}`);
    return v as T;
  }
}

/** Present and either null or a valid time; a missing field is refused, not read as null. */
export function requiredIsoOrNull(r: Reader, o: Obj, key: string): string | null {
  if (!Object.hasOwn(o, key)) r.fail(`${key} is required (null for none)`);
  return r.isoOrNull(o, key);
}

/** Present and either null or an id; a missing field is refused, not read as null. */
export function requiredIdOrNull(r: Reader, o: Obj, key: string): string | null {
  if (!Object.hasOwn(o, key)) r.fail(`${key} is required (null for none)`);
  return o[key] === null ? null : r.id(o, key);
}

/** A list of at most `max` distinct-or-not ids. */
export function readIdList(r: Reader, value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length > max)
    r.fail(`${field} must be a list of at most ${max} ids`);
  return value.map((v: unknown, i) => {
    if (typeof v !== 'string' || !ID.test(v)) r.fail(`${field}[${i}] must be an id`);
    return v;
  });
}
