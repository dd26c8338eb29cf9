/**
 * Whether passkeys can work at the address the app was opened on. WebAuthn needs a secure context
 * and an effective domain that is a valid domain, never an IP address (WebAuthn L3, the
 * [[Create]] and [[Get]] methods: otherwise a SecurityError, Chromium's "… is an invalid
 * domain"), so `http://127.0.0.1:8787` fails every ceremony while `http://localhost:8787` works.
 * Checked before any ceremony, so the person reads why and where to go instead.
 */

/** The parts of the page's address this needs (a `URL` or `location`). */
export type PageAddress = Pick<
  URL,
  'protocol' | 'hostname' | 'port' | 'pathname' | 'search' | 'hash'
>;

export type PasskeyHostProblem =
  /** Opened on an IP address; `localhostUrl` is the same page on localhost when it is a loopback one. */
  | { kind: 'ip-address'; host: string; localhostUrl: string | null }
  /** Plain http on a name other than localhost: no secure context, so no WebAuthn at all. */
  | { kind: 'insecure'; host: string };

const IPV4 = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** WHATWG URLs spell IPv4 hosts as dotted quads and IPv6 hosts in brackets, whatever was typed. */
const isIpAddress = (hostname: string) => IPV4.test(hostname) || hostname.startsWith('[');

function isLoopback(hostname: string): boolean {
  const v4 = IPV4.exec(hostname);
  if (v4) return v4[1] === '127';
  // ::1, and IPv4-mapped 127.x.x.x, which URLs spell in hex (::ffff:7f00:1).
  return hostname === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}

/** Null when passkeys can work here; else what is wrong, and the localhost address if there is one. */
export function passkeyHostProblem(
  address: PageAddress,
  secureContext: boolean,
): PasskeyHostProblem | null {
  const host = address.hostname;
  if (isIpAddress(host)) {
    const port = address.port ? `:${address.port}` : '';
    return {
      kind: 'ip-address',
      host,
      localhostUrl: isLoopback(host)
        ? `${address.protocol}//localhost${port}${address.pathname}${address.search}${address.hash}`
        : null,
    };
  }
  return secureContext ? null : { kind: 'insecure', host };
}
