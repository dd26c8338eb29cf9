/**
 * Reading a request: the JSON body within its limits, and the fields routes take from it. Every
 * reader throws an HttpError (400 or 413) naming what is wrong; none trusts a type it was sent.
 */
import type { IncomingMessage } from 'node:http';
import type { DevicePublicKey } from '#domain/model';
import { isDevicePublicKey } from '#protocol/confirmation';
import { JsonLimitError, parseJsonWithLimits } from '#protocol/json-limits';
import { HttpError } from './http-errors';

const MAX_BODY_BYTES = 64 * 1024;
/**
 * A body over the limit is still read (and dropped) up to this size, so its sender hears the 413
 * instead of a reset connection; beyond it the connection is cut.
 */
const MAX_DRAIN_BYTES = 1024 * 1024;

/** A request body as it arrived: a JSON object whose fields are not yet checked. */
export type JsonBody = Record<string, unknown>;

export async function readJson(req: IncomingMessage): Promise<JsonBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    else if (size > MAX_DRAIN_BYTES) break; // leaving the loop destroys the request
  }
  if (size > MAX_BODY_BYTES)
    throw new HttpError(
      413,
      'invalid-request',
      `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
    );
  let value: unknown;
  try {
    value = parseJsonWithLimits(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch (error) {
    // Ill-formed Unicode or deep nesting anywhere in the body: refused before any field is read.
    if (error instanceof JsonLimitError) throw new HttpError(400, error.code, error.message);
    throw new HttpError(400, 'invalid-request', 'The request body must be a JSON object.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HttpError(400, 'invalid-request', 'The request body must be a JSON object.');
  return value as JsonBody;
}

/** A required string field of 1–max characters. */
export function str(body: JsonBody, key: string, max = 200): string {
  const v = body[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw new HttpError(
      400,
      'invalid-request',
      `"${key}" must be a string of 1–${max} characters.`,
    );
  return v;
}

/** The session token of `Authorization: Bearer …`, if any. */
export function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : null;
}

/** The device key a ceremony enrols (only the JWK members that matter) and its label. */
export function readDevice(body: JsonBody): { publicKey: DevicePublicKey; label: string } {
  if (!isDevicePublicKey(body.devicePublicKey))
    throw new HttpError(400, 'invalid-request', '"devicePublicKey" must be a P-256 public JWK.');
  const label = typeof body.deviceLabel === 'string' ? body.deviceLabel.slice(0, 100) : 'Browser';
  const { kty, crv, x, y } = body.devicePublicKey;
  return { publicKey: { kty, crv, x, y }, label: label || 'Browser' };
}

/** A whole-number query parameter in [min, max]; `fallback` when it is absent, if given. */
export function intParam(
  url: URL,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  const raw = url.searchParams.get(name);
  if (raw === null && fallback !== undefined) return fallback;
  const value = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new HttpError(
      400,
      'invalid-request',
      `"${name}" must be a whole number from ${min} to ${max}.`,
    );
  }
  return value;
}
