/**
 * Reading a user command: its type names the fields it has, every one required (null where it
 * may be empty), and each is read with the checks of its kind (ids, times, bounded strings and
 * lists). Nothing is filled in, so the decoded command is exactly what the device key signed.
 */
import type { BundleItem, UserCommand } from '#domain/commands';
import type { Ticket } from '#domain/model';
import { MAX_BUNDLE_ITEMS } from '#domain/activation/activate-role';
import { MAX_DECISION_ITEMS } from '#domain/approvals/decide-requests';
import {
  isObj,
  readIdList,
  Reader,
  requiredIdOrNull,
  requiredIsoOrNull,
  type Obj,
} from './field-reader';
import { readRoleSettings } from './role-settings-reader';

const COMMAND_FIELDS = {
  CreateInvite: ['type', 'inviteId', 'tokenHash', 'displayName', 'administrativeUnitId'],
  RevokeInvite: ['type', 'inviteId'],
  CreateRole: ['type', 'roleId', 'name', 'description'],
  AssignRole: [
    'type',
    'assignmentId',
    'principalId',
    'principalKind',
    'roleId',
    'scopeId',
    'administrativeUnitId',
    'assignmentType',
    'startsAt',
    'endsAt',
    'justification',
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
  // scopeId is null except for resource roles' settings.
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
        administrativeUnitId: requiredIdOrNull(r, o, 'administrativeUnitId'),
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
        principalKind: r.oneOf(o, 'principalKind', ['user', 'group'] as const),
        roleId: r.roleId(o, 'roleId'),
        scopeId: requiredIdOrNull(r, o, 'scopeId'),
        administrativeUnitId: requiredIdOrNull(r, o, 'administrativeUnitId'),
        assignmentType: r.oneOf(o, 'assignmentType', ['eligible', 'active'] as const),
        startsAt: requiredIsoOrNull(r, o, 'startsAt'),
        endsAt: requiredIsoOrNull(r, o, 'endsAt'),
        justification: r.string(o, 'justification', 1000),
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
        scopeId: requiredIdOrNull(r, o, 'scopeId'),
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
      return {
        type: t,
        scopeId: r.id(o, 'scopeId'),
        kind: r.oneOf(o, 'kind', SCOPE_KINDS),
        name: r.string(o, 'name', 200),
        parentId: requiredIdOrNull(r, o, 'parentId'),
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
