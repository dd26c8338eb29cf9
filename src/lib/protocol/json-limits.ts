/**
 * Limits every untrusted JSON value must respect before any field of it is read: the relay's
 * later steps (canonical JSON per RFC 8785, hashing, the ledger) recurse over values and need
 * well-formed Unicode, so a value breaking either limit is refused here, at the boundary.
 */

/**
 * The deepest nesting of objects and arrays any message of the protocol needs is 9 (a role's
 * notification table inside a signed command frame); 16 leaves room without letting a sender
 * make a recursive walk costly.
 */
export const MAX_JSON_DEPTH = 16;

export type JsonLimitCode = 'ill-formed-unicode' | 'nesting-too-deep';

/** A decoded JSON value breaks a limit; `path` names where (e.g. `signed.envelope.command.name`). */
export class JsonLimitError extends Error {
  override name = 'JsonLimitError';
  readonly code: JsonLimitCode;
  readonly path: string;
  constructor(code: JsonLimitCode, path: string, message: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}

/** A lone UTF-16 surrogate: with the `u` flag a well-formed pair is one code point, not `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether a string is well-formed UTF-16 (has no lone surrogate), i.e. encodes to UTF-8 losslessly. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const child = (path: string, key: string | number): string =>
  typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? path
        ? `${path}.${key}`
        : key
      : `${path}[${JSON.stringify(key)}]`;

/**
 * Throws JsonLimitError unless every string and key in `value` is well-formed Unicode and no
 * object or array lies deeper than `maxDepth` (the outermost value is depth 1). Iterative, so a
 * hostile value cannot exhaust the stack of the check itself.
 */
export function assertJsonLimits(value: unknown, maxDepth = MAX_JSON_DEPTH, root = ''): void {
  const stack: { value: unknown; depth: number; path: string }[] = [
    { value, depth: 1, path: root },
  ];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number; path: string };
    const v = item.value;
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) {
        throw new JsonLimitError(
          'ill-formed-unicode',
          item.path,
          `${item.path || 'the value'} contains a lone surrogate: text must be well-formed Unicode`,
        );
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (item.depth > maxDepth) {
      throw new JsonLimitError(
        'nesting-too-deep',
        item.path,
        `${item.path || 'the value'} is nested deeper than ${maxDepth} levels`,
      );
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++)
        stack.push({ value: v[i], depth: item.depth + 1, path: child(item.path, i) });
      continue;
    }
    for (const [key, inner] of Object.entries(v)) {
      const path = child(item.path, key);
      if (!isWellFormedText(key)) {
        throw new JsonLimitError(
          'ill-formed-unicode',
          item.path,
          `${item.path || 'the value'} has a key with a lone surrogate: text must be well-formed Unicode`,
        );
      }
      stack.push({ value: inner, depth: item.depth + 1, path });
    }
  }
}

/**
 * JSON.parse, then the limits above. Throws SyntaxError for text that is not JSON and
 * JsonLimitError for a value that breaks a limit.
 */
export function parseJsonWithLimits(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const value: unknown = JSON.parse(text);
  assertJsonLimits(value, maxDepth);
  return value;
}
