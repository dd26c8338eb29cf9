import { describe, expect, it } from 'vitest';
import { connectionStatus, type ConnectionFacts } from './connection-status';

const settled: ConnectionFacts = {
  online: true,
  relayUnreachable: false,
  channelFailures: 0,
  channelOpen: true,
  docsSynced: true,
  pendingCommands: 0,
};

describe('connectionStatus', () => {
  it('is online when the socket is open, the documents synced and nothing is pending', () => {
    expect(connectionStatus(settled)).toBe('online');
  });

  it.each<[string, Partial<ConnectionFacts>]>([
    ['the browser is offline', { online: false }],
    ['the relay could not be reached', { relayUnreachable: true }],
    ['the commands socket closed', { channelFailures: 1 }],
  ])('is offline when %s, whatever else holds', (_, facts) => {
    expect(connectionStatus({ ...settled, ...facts })).toBe('offline');
    expect(connectionStatus({ ...settled, ...facts, channelOpen: false })).toBe('offline');
    expect(connectionStatus({ ...settled, ...facts, pendingCommands: 3 })).toBe('offline');
  });

  it('is connecting while the commands socket is not open, even with commands pending', () => {
    expect(connectionStatus({ ...settled, channelOpen: false, pendingCommands: 2 })).toBe(
      'connecting',
    );
  });

  it('is syncing while a document catches up or a command waits for its answer', () => {
    expect(connectionStatus({ ...settled, docsSynced: false })).toBe('syncing');
    expect(connectionStatus({ ...settled, pendingCommands: 1 })).toBe('syncing');
  });
});
