/**
 * JSON over HTTP to the relay (docs/api.md; routes typed in #protocol/http-api). Errors come back
 * as `{ error: { code, message } }` with a 4xx status and become a RelayHttpError.
 */
import {
  httpGetUrl,
  type HttpGetAnswer,
  type HttpGetPath,
  type HttpGetQuery,
} from '#protocol/http-api';

/** The relay answered with an error status. */
export class RelayHttpError extends Error {
  override name = 'RelayHttpError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The relay could not be reached at all (offline, relay down). */
export class RelayUnreachableError extends Error {
  override name = 'RelayUnreachableError';
}

export type RelayRequest = {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** Session token, sent as `Authorization: Bearer`. */
  token?: string | null;
};

export async function relayRequest<T>(path: string, request: RelayRequest = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      cache: 'no-store',
    });
  } catch {
    throw new RelayUnreachableError('The relay cannot be reached.');
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw new RelayHttpError(
      response.status,
      typeof error?.code === 'string' ? error.code : `http-${response.status}`,
      typeof error?.message === 'string' ? error.message : `The relay answered ${response.status}.`,
    );
  }
  return json as T;
}

/** `GET` a JSON route of #protocol/http-api with its query. */
export function relayGet<P extends HttpGetPath>(
  path: P,
  query: HttpGetQuery<P>,
  token?: string | null,
): Promise<HttpGetAnswer<P>> {
  return relayRequest<HttpGetAnswer<P>>(httpGetUrl(path, query), { token });
}

/** Websocket base URL for this origin: http → ws, https → wss. */
export function websocketBase(origin: string): string {
  return origin.replace(/^http/, 'ws');
}
