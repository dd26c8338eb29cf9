/** Secrets the relay hands out (setup, invite and device links, sessions) are stored hashed. */
import { sha256, toBase64Url, utf8 } from '#ledger/bytes';

export const hashToken = async (token: string): Promise<string> =>
  toBase64Url(await sha256(utf8(token)));
