/**
 * Decoding untrusted frames. Every check names the field it failed on, so a rejection tells
 * the sender exactly what was wrong. Unknown fields are refused: what is signed is what is read.
 */
import type { BundleItem, UserCommand } from '#domain/commands';
import type { NotificationSettings, RoleSettings, Ticket } from '#domain/model';
import { MAX_BUNDLE_ITEMS } from '#domain/activation/activate-role';
import { MAX_DECISION_ITEMS } from '#domain/approvals/decide-requests';
import {
  MAX_ADDITIONAL_RECIPIENTS,
  NOTIFICATION_EVENTS,
  NOTIFICATION_RECIPIENTS,
} from '#domain/settings/settings';
import { JsonLimitError, assertJsonLimits } from './json-limits';
import type {
  AssertionJSON,
  ClientFrame,
  CommandEnvelope,
  FrameErrorCode,
  SignedCommand,
} from './messages';

/** The frame is not JSON or not a known frame type: answered with an `error` frame. */
export class FrameError extends Error {
  override name = 'FrameError';
  readonly code: FrameErrorCode;
  constructor(code: FrameErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The frame is fine but the command inside breaks the schema: answered with `malformed-command`. */
export class CommandShapeError extends Error {
  override name = 'CommandShapeError';
  readonly cmdId: string | null;
  constructor(message: string, cmdId: string | null) {
    super(message);
    this.cmdId = cmdId;
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** A role id: an id, or a PIM for Groups pseudo-role `group-member:<id>` / `group-owner:<id>`. */
const ROLE_ID = /^(group-(member|owner):)?[A-Za-z0-9_-]{1,128}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

class Reader {
  readonly #path: string;
  readonly #cmdId: string | null;
  constructor(path: string, cmdId: string | null) {
    this.#path = path;
    this.#cmdId = cmdId;
  }

  fail(message: string): never {
    throw new CommandShapeError(`${this.#path}: ${message}`, this.#cmdId);
  }

  object(value: unknown, allowed: readonly string[], field = ''): Obj {
    const where = field ? `${field} ` : '';
    if (!isObj(value)) this.fail(`${where}must be an object`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`${where}has an unknown field "${key}"`);
    }
    return value;
  }

  string(o: Obj, key: string, max = 1000): string {
    const v = o[key];
    if (typeof v !== 'string') this.fail(`${key} must be a string`);
    if (v.length > max) this.fail(`${key} is longer than ${max} characters`);
    return v;
  }

  id(o: Obj, key: string): string {
    const v = this.string(o, key, 128);
    if (!ID.test(v)) this.fail(`${key} must be 1–128 characters of A–Z, a–z, 0–9, _ or -`);
    return v;
  }

  roleId(o: Obj, key: string): string {
    const v = this.string(o, key, 142);
    if (!ROLE_ID.test(v)) this.fail(`${key} must be a role id`);
    return v;
  }

  b64url(o: Obj, key: string, max = 8192): string {
    const v = this.string(o, key, max);
    if (!B64URL.test(v)) this.fail(`${key} must be base64url`);
    return v;
  }

  iso(o: Obj, key: string): string {
    const v = this.string(o, key, 24);
    if (!ISO.test(v) || Number.isNaN(Date.parse(v)) || new Date(v).toISOString() !== v) {
      this.fail(`${key} must be an RFC 3339 UTC time like 2026-01-31T12:00:00.000Z`);
    }
    return v;
  }

  isoOrNull(o: Obj, key: string): string | null {
    return o[key] === null ? null : this.iso(o, key);
  }

  int(o: Obj, key: string, min: number, max: number): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`${key} must be a whole number`);
    if (v < min || v > max) this.fail(`${key} must be between ${min} and ${max}`);
    return v;
  }

  bool(o: Obj, key: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') this.fail(`${key} must be true or false`);
    return v;
  }

  oneOf<T extends string>(o: Obj, key: string, values: readonly T[]): T {
    const v = o[key];
    if (typeof v !== 'string' || !values.includes(v as T))
      this.fail(`${key} must be one of ${values.join(', ')}`);
    return v as T;
  }
}

const COMMAND_FIELDS = {
  // administrativeUnitId is optional (older clients omit it).
  CreateInvite: ['type', 'inviteId', 'tokenHash', 'displayName', 'administrativeUnitId'],
  RevokeInvite: ['type', 'inviteId'],
  CreateRole: ['type', 'roleId', 'name', 'description'],
  // principalKind, scopeId and administrativeUnitId are optional (older clients omit them).
  AssignRole: [
    'type',
    'assignmentId',
    'principalId',
    'roleId',
    'assignmentType',
    'startsAt',
    'endsAt',
    'justification',
    'principalKind',
    'scopeId',
    'administrativeUnitId',
  ],
  RemoveAssignment: ['type', 'assignmentId', 'justification'],
  // startsAt is required (null: now), so the signed bytes say exactly when.
  ActivateRole: [
    'type',
    'activationId',
    'assignmentId',
    'durationMinutes',
    'startsAt',
    'justification',
    'ticket',
  ],
  ActivateRoles: ['type', 'bundleId', 'items', 'justification', 'ticket'],
  DeactivateRole: ['type', 'activationId'],
  RevokeDevice: ['type', 'deviceId'],
  // scopeId is optional: only resource roles' settings have one.
  UpdateRoleSettings: ['type', 'roleId', 'settings', 'scopeId'],
  ApproveRequest: ['type', 'requestId', 'justification'],
  DenyRequest: ['type', 'requestId', 'justification'],
  DecideRequests: ['type', 'batchId', 'decision', 'requestIds', 'justification'],
  CancelRequest: ['type', 'requestId', 'justification'],
  RequestExtension: ['type', 'requestId', 'assignmentId', 'endsAt', 'justification'],
  RequestRenewal: ['type', 'requestId', 'assignmentId', 'endsAt', 'justification'],
  DecideExtension: ['type', 'requestId', 'decision', 'endsAt', 'assignmentType', 'justification'],
  ExtendAssignment: ['type', 'assignmentId', 'endsAt', 'justification'],
  UpdateAssignment: ['type', 'assignmentId', 'startsAt', 'endsAt', 'justification'],
  SetBreakGlass: ['type', 'userId', 'breakGlass', 'justification'],
  CreateScope: ['type', 'scopeId', 'kind', 'name', 'parentId'],
  RenameScope: ['type', 'scopeId', 'name'],
  DeleteScope: ['type', 'scopeId'],
  CreateAdministrativeUnit: ['type', 'administrativeUnitId', 'name'],
  SetAdministrativeUnitMembers: ['type', 'administrativeUnitId', 'memberIds'],
  CreateGroup: ['type', 'groupId', 'name', 'description', 'ownerId'],
  AddGroupMember: ['type', 'groupId', 'userId'],
  RemoveGroupMember: ['type', 'groupId', 'userId'],
  AddGroupOwner: ['type', 'groupId', 'userId'],
  RemoveGroupOwner: ['type', 'groupId', 'userId'],
  NestGroup: ['type', 'groupId', 'childGroupId'],
  UnnestGroup: ['type', 'groupId', 'childGroupId'],
} as const satisfies Record<UserCommand['type'], readonly string[]>;

export const USER_COMMAND_TYPES = Object.keys(COMMAND_FIELDS) as UserCommand['type'][];

/** Fields of one ActivateRoles item; all required, like ActivateRole's. */
const BUNDLE_ITEM_FIELDS = ['activationId', 'assignmentId', 'durationMinutes', 'startsAt'] as const;

/** Present and either null or a valid time; a missing field is refused, not read as null. */
function requiredIsoOrNull(r: Reader, o: Obj, key: string): string | null {
  if (!Object.hasOwn(o, key)) r.fail(`${key} is required (null for none)`);
  return r.isoOrNull(o, key);
}

function readTicket(r: Reader, o: Obj): Ticket | null {
  if (!Object.hasOwn(o, 'ticket')) r.fail('ticket is required (null for none)');
  if (o.ticket === null) return null;
  const to = r.object(o.ticket, ['system', 'number'], 'ticket');
  return { system: r.string(to, 'system', 100), number: r.string(to, 'number', 100) };
}

function readBundleItems(r: Reader, value: unknown): BundleItem[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_BUNDLE_ITEMS) {
    r.fail(`items must be a list of 1 to ${MAX_BUNDLE_ITEMS} activations`);
  }
  return value.map((raw: unknown, i): BundleItem => {
    const o = r.object(raw, BUNDLE_ITEM_FIELDS, `items[${i}]`);
    return {
      activationId: r.id(o, 'activationId'),
      assignmentId: r.id(o, 'assignmentId'),
      durationMinutes: r.int(o, 'durationMinutes', 0, 100_000),
      startsAt: requiredIsoOrNull(r, o, 'startsAt'),
    };
  });
}

function readRequestIds(r: Reader, value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 1)
    r.fail(`requestIds must be a list of 1 to ${MAX_DECISION_ITEMS} request ids`);
  return readIdList(r, value, 'requestIds', MAX_DECISION_ITEMS);
}

const SCOPE_KINDS = ['management-group', 'subscription', 'resource-group', 'resource'] as const;

/** Present or absent, null or an id (the caller decides whether absence is allowed). */
function optionalId(r: Reader, o: Obj, key: string): string | null {
  return o[key] === null || o[key] === undefined ? null : r.id(o, key);
}

/** A list of at most `max` distinct-or-not ids. */
function readIdList(r: Reader, value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length > max)
    r.fail(`${field} must be a list of at most ${max} ids`);
  return value.map((v: unknown, i) => {
    if (typeof v !== 'string' || !ID.test(v)) r.fail(`${field}[${i}] must be an id`);
    return v;
  });
}

/** Reads a user command; throws CommandShapeError naming the first bad field. */
export function readUserCommand(value: unknown, cmdId: string | null = null): UserCommand {
  const r: Reader = new Reader('command', cmdId);
  if (!isObj(value)) r.fail('must be an object');
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(COMMAND_FIELDS, type)) {
    r.fail(`type must be one of ${USER_COMMAND_TYPES.join(', ')}`);
  }
  const t = type as UserCommand['type'];
  const o = r.object(value, COMMAND_FIELDS[t]);
  switch (t) {
    case 'CreateInvite':
      return {
        type: t,
        inviteId: r.id(o, 'inviteId'),
        tokenHash: r.b64url(o, 'tokenHash', 64),
        displayName: r.string(o, 'displayName', 200),
        ...(Object.hasOwn(o, 'administrativeUnitId')
          ? { administrativeUnitId: optionalId(r, o, 'administrativeUnitId') }
          : {}),
      };
    case 'RevokeInvite':
      return { type: t, inviteId: r.id(o, 'inviteId') };
    case 'CreateRole':
      return {
        type: t,
        roleId: r.id(o, 'roleId'),
        name: r.string(o, 'name', 200),
        description: r.string(o, 'description', 1000),
      };
    case 'AssignRole':
      return {
        type: t,
        assignmentId: r.id(o, 'assignmentId'),
        principalId: r.id(o, 'principalId'),
        roleId: r.roleId(o, 'roleId'),
        assignmentType: r.oneOf(o, 'assignmentType', ['eligible', 'active'] as const),
        startsAt: r.isoOrNull(o, 'startsAt'),
        endsAt: r.isoOrNull(o, 'endsAt'),
        justification: r.string(o, 'justification', 1000),
        // Optional fields appear in the decoded command only when sent, so the bytes signed
        // by older clients decode to exactly what they signed.
        ...(Object.hasOwn(o, 'principalKind')
          ? { principalKind: r.oneOf(o, 'principalKind', ['user', 'group'] as const) }
          : {}),
        ...(Object.hasOwn(o, 'scopeId') ? { scopeId: optionalId(r, o, 'scopeId') } : {}),
        ...(Object.hasOwn(o, 'administrativeUnitId')
          ? { administrativeUnitId: optionalId(r, o, 'administrativeUnitId') }
          : {}),
      };
    case 'RemoveAssignment':
      return {
        type: t,
        assignmentId: r.id(o, 'assignmentId'),
        justification: r.string(o, 'justification', 1000),
      };
    case 'ActivateRole': {
      const ticket = readTicket(r, o);
      return {
        type: t,
        activationId: r.id(o, 'activationId'),
        assignmentId: r.id(o, 'assignmentId'),
        durationMinutes: r.int(o, 'durationMinutes', 0, 100_000),
        startsAt: requiredIsoOrNull(r, o, 'startsAt'),
        justification: r.string(o, 'justification', 1000),
        ticket,
      };
    }
    case 'ActivateRoles':
      return {
        type: t,
        bundleId: r.id(o, 'bundleId'),
        items: readBundleItems(r, o.items),
        justification: r.string(o, 'justification', 1000),
        ticket: readTicket(r, o),
      };
    case 'DeactivateRole':
      return { type: t, activationId: r.id(o, 'activationId') };
    case 'RevokeDevice':
      return { type: t, deviceId: r.id(o, 'deviceId') };
    case 'UpdateRoleSettings':
      return {
        type: t,
        roleId: r.roleId(o, 'roleId'),
        settings: readRoleSettings(r, o.settings),
        ...(Object.hasOwn(o, 'scopeId') ? { scopeId: optionalId(r, o, 'scopeId') } : {}),
      };
    case 'ApproveRequest':
    case 'DenyRequest':
    case 'CancelRequest':
      return {
        type: t,
        requestId: r.id(o, 'requestId'),
        justification: r.string(o, 'justification', 1000),
      };
    case 'DecideRequests':
      return {
        type: t,
        batchId: r.id(o, 'batchId'),
        decision: r.oneOf(o, 'decision', ['approve', 'deny'] as const),
        requestIds: readRequestIds(r, o.requestIds),
        justification: r.string(o, 'justification', 1000),
      };
    case 'RequestExtension':
    case 'RequestRenewal':
      return {
        type: t,
        requestId: r.id(o, 'requestId'),
        assignmentId: r.id(o, 'assignmentId'),
        endsAt: r.iso(o, 'endsAt'),
        justification: r.string(o, 'justification', 1000),
      };
    case 'DecideExtension': {
      if (!Object.hasOwn(o, 'assignmentType')) r.fail('assignmentType is required (null: keep)');
      return {
        type: t,
        requestId: r.id(o, 'requestId'),
        decision: r.oneOf(o, 'decision', ['approve', 'deny'] as const),
        endsAt: requiredIsoOrNull(r, o, 'endsAt'),
        assignmentType:
          o.assignmentType === null
            ? null
            : r.oneOf(o, 'assignmentType', ['eligible', 'active'] as const),
        justification: r.string(o, 'justification', 1000),
      };
    }
    case 'ExtendAssignment':
      return {
        type: t,
        assignmentId: r.id(o, 'assignmentId'),
        endsAt: requiredIsoOrNull(r, o, 'endsAt'),
        justification: r.string(o, 'justification', 1000),
      };
    case 'UpdateAssignment':
      return {
        type: t,
        assignmentId: r.id(o, 'assignmentId'),
        startsAt: requiredIsoOrNull(r, o, 'startsAt'),
        endsAt: requiredIsoOrNull(r, o, 'endsAt'),
        justification: r.string(o, 'justification', 1000),
      };
    case 'SetBreakGlass':
      return {
        type: t,
        userId: r.id(o, 'userId'),
        breakGlass: r.bool(o, 'breakGlass'),
        justification: r.string(o, 'justification', 1000),
      };
    case 'CreateScope':
      if (!Object.hasOwn(o, 'parentId')) r.fail('parentId is required (null for a root)');
      return {
        type: t,
        scopeId: r.id(o, 'scopeId'),
        kind: r.oneOf(o, 'kind', SCOPE_KINDS),
        name: r.string(o, 'name', 200),
        parentId: optionalId(r, o, 'parentId'),
      };
    case 'RenameScope':
      return { type: t, scopeId: r.id(o, 'scopeId'), name: r.string(o, 'name', 200) };
    case 'DeleteScope':
      return { type: t, scopeId: r.id(o, 'scopeId') };
    case 'CreateAdministrativeUnit':
      return {
        type: t,
        administrativeUnitId: r.id(o, 'administrativeUnitId'),
        name: r.string(o, 'name', 200),
      };
    case 'SetAdministrativeUnitMembers':
      return {
        type: t,
        administrativeUnitId: r.id(o, 'administrativeUnitId'),
        memberIds: readIdList(r, o.memberIds, 'memberIds', 1000),
      };
    case 'CreateGroup':
      return {
        type: t,
        groupId: r.id(o, 'groupId'),
        name: r.string(o, 'name', 200),
        description: r.string(o, 'description', 1000),
        ownerId: r.id(o, 'ownerId'),
      };
    case 'AddGroupMember':
    case 'RemoveGroupMember':
    case 'AddGroupOwner':
    case 'RemoveGroupOwner':
      return { type: t, groupId: r.id(o, 'groupId'), userId: r.id(o, 'userId') };
    case 'NestGroup':
    case 'UnnestGroup':
      return { type: t, groupId: r.id(o, 'groupId'), childGroupId: r.id(o, 'childGroupId') };
    default: {
      const never: never = t;
      return never;
    }
  }
}

const SETTING_NUMBERS = [
  'maxActivationMinutes',
  'approvalsRequired',
  'pendingTimeoutMinutes',
  'eligibleExpiryDays',
  'activeExpiryDays',
  'offlineConfirmWindowMinutes',
] as const satisfies readonly (keyof RoleSettings)[];
const SETTING_FLAGS = [
  'requirePasskeyOnActivation',
  'requireJustification',
  'requireTicket',
  'requireApproval',
  'allowPermanentEligible',
  'allowPermanentActive',
  'requirePasskeyOnActiveAssignment',
  'requireJustificationOnActiveAssignment',
] as const satisfies readonly (keyof RoleSettings)[];

/** Shape only; the ranges are domain rules (validateRoleSettings). */

/** The notification table's shape: every event × recipient cell, nothing else. */
function readNotifications(r: Reader, value: unknown): NotificationSettings {
  const table = r.object(value, NOTIFICATION_EVENTS, 'settings.notifications');
  const out = {} as NotificationSettings;
  for (const event of NOTIFICATION_EVENTS) {
    const row = r.object(table[event], NOTIFICATION_RECIPIENTS, `settings.notifications.${event}`);
    out[event] = {} as NotificationSettings[typeof event];
    for (const kind of NOTIFICATION_RECIPIENTS) {
      const where = `settings.notifications.${event}.${kind}`;
      const cell = r.object(
        row[kind],
        ['defaultRecipients', 'additionalRecipients', 'criticalOnly'],
        where,
      );
      for (const flag of ['defaultRecipients', 'criticalOnly'] as const) {
        if (typeof cell[flag] !== 'boolean') r.fail(`${where}.${flag} must be true or false`);
      }
      out[event][kind] = {
        defaultRecipients: cell.defaultRecipients as boolean,
        additionalRecipients: readIdList(
          r,
          cell.additionalRecipients,
          `${where}.additionalRecipients`,
          MAX_ADDITIONAL_RECIPIENTS,
        ),
        criticalOnly: cell.criticalOnly as boolean,
      };
    }
  }
  return out;
}

function readRoleSettings(r: Reader, value: unknown): RoleSettings {
  const o = r.object(
    value,
    [...SETTING_NUMBERS, ...SETTING_FLAGS, 'approvers', 'notifications'],
    'settings',
  );
  const approvers = o.approvers;
  if (!Array.isArray(approvers) || approvers.length > 50)
    r.fail('settings.approvers must be a list of at most 50 user ids');
  const ids = approvers.map((v: unknown, i) => {
    if (typeof v !== 'string' || !ID.test(v)) r.fail(`settings.approvers[${i}] must be a user id`);
    return v;
  });
  const settings = { approvers: ids } as RoleSettings;
  for (const key of SETTING_NUMBERS) settings[key] = r.int(o, key, 0, 1_000_000);
  for (const key of SETTING_FLAGS) {
    if (typeof o[key] !== 'boolean') r.fail(`settings.${key} must be true or false`);
    settings[key] = o[key];
  }
  // Optional: settings signed by clients from before notifications decode without it.
  if (Object.hasOwn(o, 'notifications'))
    settings.notifications = readNotifications(r, o.notifications);
  return settings;
}

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
  if (e.v !== 1) r.fail('v must be 1');
  let confirmation: CommandEnvelope['confirmation'] = null;
  if (e.confirmation !== null) {
    const c = r.object(e.confirmation, ['nonce', 'assertion'], 'confirmation');
    confirmation = { nonce: r.b64url(c, 'nonce', 64), assertion: readAssertion(r, c.assertion) };
  }
  const envelope: CommandEnvelope = {
    v: 1,
    cmdId: r.id(e, 'cmdId'),
    deviceId: r.id(e, 'deviceId'),
    issuedAt: r.iso(e, 'issuedAt'),
    command: readUserCommand(e.command, cmdId),
    confirmation,
  };
  return { envelope, signature: new Reader('signed', cmdId).b64url(s, 'signature', 256) };
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
