/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Object members sorted by UTF-16 code units, no whitespace, strings escaped as
 * ECMAScript's JSON.stringify does (RFC 8785 §3.2.2.2), numbers in ECMAScript's shortest
 * form (§3.2.2.3). Leasehold's ledger stores integers only, but any finite number is accepted
 * here so that the RFC's own vectors pass.
 */

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

export function canonicalize(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // NaN and the infinities have no JSON form (§3.2.2.3).
      if (!Number.isFinite(value))
        throw new CanonicalJsonError(`${path}: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      assertWellFormed(value, path);
      return JSON.stringify(value);
    case 'object': {
      // Array.from visits holes (map skips them, which would emit "[,1]").
      if (Array.isArray(value)) {
        return `[${Array.from(value, (v, i) => write(v, `${path}[${i}]`)).join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalJsonError(`${path}: only plain objects can be canonicalised`);
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      // Default sort compares UTF-16 code units, which is what §3.2.3 asks for.
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined)
          throw new CanonicalJsonError(`${path}.${key}: undefined is not JSON`);
        assertWellFormed(key, path);
        members.push(`${JSON.stringify(key)}:${write(member, `${path}.${key}`)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(`${path}: a ${typeof value} is not JSON`);
  }
}

/** Lone surrogates cannot be encoded as UTF-8 (§3.2.2.2 requires well-formed strings). */
function assertWellFormed(text: string, path: string): void {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new CanonicalJsonError(`${path}: string has a lone surrogate`);
    }
    if (unit >= 0xdc00 && unit <= 0xdfff)
      throw new CanonicalJsonError(`${path}: string has a lone surrogate`);
  }
}
