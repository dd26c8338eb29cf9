/** How the HTTP API answers: JSON, never cached, and refusals as `{ error: { code, message } }`. */
import type { ServerResponse } from 'node:http';
import type { HttpErrorAnswer } from '#protocol/http-api';
import type { Outcome } from '../pipeline';

/** A refusal of one request; the router answers it and goes on serving. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string) {
  const answer: HttpErrorAnswer = { error: { code, message } };
  sendJson(res, status, answer);
}

/** A ceremony the domain refused: 403 when the actor may not, 409 when state forbids it. */
export function rejectionToHttp(outcome: Extract<Outcome, { ok: false }>): HttpError {
  const status = outcome.rejection.code === 'not-authorized' ? 403 : 409;
  return new HttpError(status, outcome.rejection.code, outcome.rejection.message);
}
