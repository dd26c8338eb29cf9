import { describe, expect, it } from 'vitest';
import { passkeyHostProblem } from './passkey-host';

const at = (href: string, secure = true) => passkeyHostProblem(new URL(href), secure);

describe('passkeyHostProblem', () => {
  it('lets localhost and names on HTTPS through', () => {
    expect(at('http://localhost:8787/signin')).toBeNull();
    expect(at('https://leasehold.example.com/roles')).toBeNull();
  });

  it('sends a loopback IPv4 address to the same page on localhost, token and all', () => {
    expect(at('http://127.0.0.1:8787/setup#token=abc')).toEqual({
      kind: 'ip-address',
      host: '127.0.0.1',
      localhostUrl: 'http://localhost:8787/setup#token=abc',
    });
    expect(at('http://127.1/invite?x=1')).toMatchObject({
      localhostUrl: 'http://localhost/invite?x=1',
    });
  });

  it('sends loopback IPv6 addresses to localhost too', () => {
    expect(at('http://[::1]:8787/signin')).toEqual({
      kind: 'ip-address',
      host: '[::1]',
      localhostUrl: 'http://localhost:8787/signin',
    });
    expect(at('http://[::ffff:127.0.0.1]:8787/')).toMatchObject({
      localhostUrl: 'http://localhost:8787/',
    });
  });

  it('refuses other IP addresses, even on HTTPS, without a localhost link', () => {
    expect(at('https://192.168.1.20:8443/signin')).toEqual({
      kind: 'ip-address',
      host: '192.168.1.20',
      localhostUrl: null,
    });
    expect(at('http://[2001:db8::1]/', false)).toMatchObject({ localhostUrl: null });
  });

  it('names plain http on another name as the problem', () => {
    expect(at('http://leasehold.lan:8787/', false)).toEqual({
      kind: 'insecure',
      host: 'leasehold.lan',
    });
    // A name that merely starts with digits is a name.
    expect(at('https://127.0.0.1.nip.io/')).toBeNull();
  });
});
