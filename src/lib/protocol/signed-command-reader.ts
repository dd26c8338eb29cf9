/**
 * Reading a signed command: the envelope the device key signed, the command inside it, and the
 * passkey assertion that confirms it (AuthenticationResponseJSON, WebAuthn L3), if any.
 */
import { ID, isObj, Reader } from './field-reader';
import { readUserCommand } from './command-reader';
import {
  PROTOCOL_VERSION,
  type AssertionJSON,
  type CommandEnvelope,
  type SignedCommand,
} from './messages';

function readAssertion(r: Reader, value: unknown): AssertionJSON {
  const a = r.object(
    value,
    ['id', 'rawId', 'type', 'response', 'clientExtensionResults', 'authenticatorAttachment'],
    'assertion',
  );
  const resp = r.object(
    a.response,
    ['clientDataJSON', 'authenticatorData', 'signature', 'userHandle'],
    'assertion.response',
  );
  if (a.type !== 'public-key') r.fail('assertion.type must be "public-key"');
  const ext = a.clientExtensionResults;
  if (!isObj(ext) || Object.keys(ext).length > 8)
    r.fail('assertion.clientExtensionResults must be a small object');
  const out: AssertionJSON = {
    id: r.b64url(a, 'id', 1400),
    rawId: r.b64url(a, 'rawId', 1400),
    type: 'public-key',
    response: {
      clientDataJSON: r.b64url(resp, 'clientDataJSON', 4096),
      authenticatorData: r.b64url(resp, 'authenticatorData', 4096),
      signature: r.b64url(resp, 'signature', 2048),
    },
    clientExtensionResults: ext,
  };
  if (resp.userHandle !== undefined) out.response.userHandle = r.b64url(resp, 'userHandle', 128);
  if (a.authenticatorAttachment !== undefined)
    out.authenticatorAttachment = r.oneOf(a, 'authenticatorAttachment', [
      'platform',
      'cross-platform',
    ] as const);
  return out;
}

/** Reads a signed command; throws CommandShapeError naming the first bad field. */
export function readSignedCommand(value: unknown): SignedCommand {
  const outer: Reader = new Reader('signed', null);
  const s = outer.object(value, ['envelope', 'signature'], 'signed');
  const rawEnvelope = isObj(s.envelope) ? s.envelope : {};
  const cmdId =
    typeof rawEnvelope.cmdId === 'string' && ID.test(rawEnvelope.cmdId) ? rawEnvelope.cmdId : null;
  const r: Reader = new Reader('envelope', cmdId);
  const e = r.object(
    s.envelope,
    ['v', 'cmdId', 'deviceId', 'issuedAt', 'command', 'confirmation'],
    'envelope',
  );
  if (e.v !== PROTOCOL_VERSION) r.fail(`v must be ${PROTOCOL_VERSION}`);
  let confirmation: CommandEnvelope['confirmation'] = null;
  if (e.confirmation !== null) {
    const c = r.object(e.confirmation, ['nonce', 'assertion'], 'confirmation');
    confirmation = { nonce: r.b64url(c, 'nonce', 64), assertion: readAssertion(r, c.assertion) };
  }
  const envelope: CommandEnvelope = {
    v: PROTOCOL_VERSION,
    cmdId: r.id(e, 'cmdId'),
    deviceId: r.id(e, 'deviceId'),
    issuedAt: r.iso(e, 'issuedAt'),
    command: readUserCommand(e.command, cmdId),
    confirmation,
  };
  return { envelope, signature: new Reader('signed', cmdId).b64url(s, 'signature', 256) };
}
