/** The one word the sync badge shows for how this device's link to the relay is doing. */

export type ConnectionStatus = 'online' | 'offline' | 'connecting' | 'syncing';

export type ConnectionFacts = {
  /** navigator.onLine. */
  online: boolean;
  /** A request found no relay since the last session was made. */
  relayUnreachable: boolean;
  /** The commands socket closed this many times since it was last open. */
  channelFailures: number;
  channelOpen: boolean;
  /** The directory and access documents have synced since they last connected. */
  docsSynced: boolean;
  /** Commands signed but not yet answered by the relay. */
  pendingCommands: number;
};

/** Offline wins over connecting, connecting over syncing: the badge names what blocks first. */
export function connectionStatus(facts: ConnectionFacts): ConnectionStatus {
  if (!facts.online || facts.relayUnreachable || facts.channelFailures > 0) return 'offline';
  if (!facts.channelOpen) return 'connecting';
  if (!facts.docsSynced || facts.pendingCommands > 0) return 'syncing';
  return 'online';
}
