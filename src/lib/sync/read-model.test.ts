import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Activation, Assignment, User } from '#domain/model';
import { AuditReader, readTenantState } from './read-model';

const user: User = {
  id: 'u1',
  displayName: 'Ada',
  status: 'active',
  createdAt: '2026-11-26T13:00:00.000Z',
  breakGlass: false,
};
const assignment: Assignment = {
  id: 'a_1',
  principalId: 'u1',
  principalKind: 'user',
  scopeId: null,
  administrativeUnitId: null,
  roleId: 'security-reader',
  type: 'eligible',
  startsAt: '2026-11-26T13:00:00.000Z',
  endsAt: null,
  createdAt: '2026-11-26T13:00:00.000Z',
  createdBy: 'u1',
  justification: '',
  status: 'current',
  removedAt: null,
};
const activation: Activation = {
  id: 'act_1',
  assignmentId: 'a_1',
  principalId: 'u1',
  roleId: 'security-reader',
  startsAt: '2026-11-26T13:00:00.000Z',
  endsAt: '2026-11-26T21:00:00.000Z',
  requestedAt: '2026-11-26T13:00:00.000Z',
  justification: 'on call',
  ticket: null,
  status: 'active',
  endedAt: null,
};

describe('readTenantState with records as JSON text (ADR 0005)', () => {
  it('parses each record once while its text is unchanged, and drops deleted ones', () => {
    const directory = new Y.Doc();
    const access = new Y.Doc();
    directory.getMap('users').set('u1', JSON.stringify(user));
    access.getMap('assignments').set('a_1', JSON.stringify(assignment));
    access.getMap('assignments').set('a_2', JSON.stringify({ ...assignment, id: 'a_2' }));
    access.getMap('activations').set('act_1', JSON.stringify(activation));

    const first = readTenantState(directory, access);
    expect(first.users).toEqual({ u1: user });
    expect(first.assignments).toEqual({ a_1: assignment, a_2: { ...assignment, id: 'a_2' } });
    expect(first.activations).toEqual({ act_1: activation });

    access.getMap('activations').set('act_1', JSON.stringify({ ...activation, status: 'ended' }));
    access.getMap('assignments').delete('a_2');
    const second = readTenantState(directory, access);
    // Unchanged text: the very same parsed object; changed text: parsed again.
    expect(second.assignments['a_1']).toBe(first.assignments['a_1']);
    expect(second.activations['act_1']).toMatchObject({ status: 'ended' });
    expect(second.assignments).toEqual({ a_1: assignment });
  });

  it('leaves out text that is not JSON and values that are not text', () => {
    const directory = new Y.Doc();
    const access = new Y.Doc();
    access.getMap('assignments').set('a_bad', '{not json');
    access.getMap('assignments').set('a_struct', { ...assignment, id: 'a_struct' });
    access.getMap('assignments').set('a_1', JSON.stringify(assignment));
    const state = readTenantState(directory, access);
    expect(state.assignments).toEqual({ a_1: assignment });
  });

  it('keeps a "__proto__" key an own entry', () => {
    const directory = new Y.Doc();
    const access = new Y.Doc();
    access.getMap('assignments').set('__proto__', JSON.stringify(assignment));
    const state = readTenantState(directory, access);
    expect(Object.getPrototypeOf(state.assignments)).toBe(Object.prototype);
    expect(Object.hasOwn(state.assignments, '__proto__')).toBe(true);
  });
});

describe('readTenantState', () => {
  it('reads the documents into the domain state shape', () => {
    const directory = new Y.Doc();
    const access = new Y.Doc();
    directory.getMap('users').set('u1', JSON.stringify(user));
    directory.getMap('meta').set('setupCompletedAt', '2026-11-26T13:00:00.000Z');
    access.getMap('assignments').set('a_1', JSON.stringify(assignment));
    access.getMap('activations').set('act_1', JSON.stringify(activation));

    const state = readTenantState(directory, access);

    expect(state.setupCompletedAt).toBe('2026-11-26T13:00:00.000Z');
    expect(state.users).toEqual({ u1: user });
    expect(state.assignments).toEqual({ a_1: assignment });
    expect(state.activations).toEqual({ act_1: activation });
    expect(state.passkeys).toEqual({});
    expect(state.customRoles).toEqual({});
  });

  it('reads approval requests from the access document', () => {
    const access = new Y.Doc();
    const request = { id: 'req_act_2', status: 'PendingApproval', decisions: [] };
    access.getMap('requests').set('req_act_2', JSON.stringify(request));
    expect(readTenantState(new Y.Doc(), access).requests).toEqual({ req_act_2: request });
  });

  it('gives an empty, not-set-up tenant for empty documents', () => {
    const state = readTenantState(new Y.Doc(), new Y.Doc());
    expect(state.setupCompletedAt).toBeNull();
    expect(state.users).toEqual({});
  });
});

describe('AuditReader', () => {
  it('parses only new entries and skips unreadable ones', () => {
    const audit = new Y.Doc();
    const entries = audit.getArray<string>('entries');
    const reader = new AuditReader();
    entries.push([JSON.stringify({ seq: 0 }), 'not json']);
    const first = reader.read(audit);
    expect(first.map((e) => e.seq)).toEqual([0]);
    expect(reader.read(audit)).toBe(first);
    entries.push([JSON.stringify({ seq: 2 })]);
    expect(reader.read(audit).map((e) => e.seq)).toEqual([0, 2]);
  });
});
