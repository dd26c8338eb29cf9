/**
 * Decoding untrusted frames from the commands socket, and the one place the relay imports the
 * readers from: the fields themselves are read by field-reader.ts, command-reader.ts,
 * role-settings-reader.ts and signed-command-reader.ts, each check naming the field it failed on.
 */
import { CommandShapeError, ID, isObj, type Obj } from './field-reader';
import { JsonLimitError, assertJsonLimits } from './json-limits';
import type { ClientFrame, FrameErrorCode } from './messages';
import { readSignedCommand } from './signed-command-reader';

export { CommandShapeError } from './field-reader';
export { readUserCommand, USER_COMMAND_TYPES } from './command-reader';
export { readSignedCommand } from './signed-command-reader';

/** The frame is not JSON or not a known frame type: answered with an `error` frame. */
export class FrameError extends Error {
  override name = 'FrameError';
  readonly code: FrameErrorCode;
  constructor(code: FrameErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The cmdId of a command frame, read without descending further than the envelope. */
function shallowCmdId(frame: Obj): string | null {
  const signed = frame.signed;
  const envelope = isObj(signed) ? signed.envelope : null;
  const cmdId = isObj(envelope) ? envelope.cmdId : null;
  return typeof cmdId === 'string' && ID.test(cmdId) ? cmdId : null;
}

/**
 * Parses one text frame from the commands socket. Ill-formed Unicode and deep nesting are
 * refused anywhere in the frame (free-form fields included) before any field is read.
 */
export function readClientFrame(text: string): ClientFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FrameError('malformed-frame', 'the frame is not valid JSON');
  }
  if (!isObj(value) || typeof value.t !== 'string') {
    throw new FrameError(
      'malformed-frame',
      'a frame must be a JSON object with a string field "t"',
    );
  }
  try {
    assertJsonLimits(value);
  } catch (error) {
    if (!(error instanceof JsonLimitError)) throw error;
    // A command hears a reject under its own cmdId, so its sender's outbox can settle it.
    if (value.t === 'command') throw new CommandShapeError(error.message, shallowCmdId(value));
    throw new FrameError(error.code, error.message);
  }
  switch (value.t) {
    case 'command':
      return { t: 'command', signed: readSignedCommand(value.signed) };
    case 'ping':
      return typeof value.id === 'string'
        ? { t: 'ping', id: value.id.slice(0, 64) }
        : { t: 'ping' };
    default:
      throw new FrameError('unknown-frame-type', `unknown frame type "${value.t.slice(0, 40)}"`);
  }
}
