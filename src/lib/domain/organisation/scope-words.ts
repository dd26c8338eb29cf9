/**
 * Plain words and orderings for the resource tree, groups and where an assignment applies.
 * Pure: reads a tenant state, never changes it.
 */
import { findRole, parseGroupRoleId } from '#domain/catalogue';
import { getOwn } from '#domain/records';
import { canNestScope, SCOPE_KINDS } from './scopes';
import type { Assignment, Group, Scope, ScopeId, ScopeKind, TenantState } from '#domain/model';

/** What each kind of scope is called, capitalised for a label. */
export const SCOPE_KIND_LABEL: Readonly<Record<ScopeKind, string>> = Object.freeze({
  'management-group': 'Management group',
  subscription: 'Subscription',
  'resource-group': 'Resource group',
  resource: 'Resource',
});

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const byName = <T extends { name: string; id: string }>(a: T, b: T) =>
  collator.compare(a.name, b.name) || collator.compare(a.id, b.id);

/** One live scope of the tree, with its depth (0 for roots), in display order. */
export type ScopeRow = { scope: Scope; depth: number; children: Scope[] };

/** The live scopes directly under `parentId` (null: the roots), by name. */
export function liveChildren(state: TenantState, parentId: ScopeId | null): Scope[] {
  return Object.values(state.scopes)
    .filter((s) => s.deletedAt === null && s.parentId === parentId)
    .sort(byName);
}

/** The live tree depth-first, parents before children, siblings by name. */
export function scopeRows(state: TenantState): ScopeRow[] {
  const rows: ScopeRow[] = [];
  const visit = (parentId: ScopeId | null, depth: number) => {
    // A depth bound, so a malformed read model cannot loop.
    if (depth > SCOPE_KINDS.length) return;
    for (const scope of liveChildren(state, parentId)) {
      const children = liveChildren(state, scope.id);
      rows.push({ scope, depth, children });
      visit(scope.id, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

/** The kinds a new scope may have under `parent` (null: a root, any kind). */
export function childKinds(parent: ScopeKind | null): ScopeKind[] {
  return SCOPE_KINDS.filter((k) => parent === null || canNestScope(parent, k));
}

/** The scope's name, or a plain stand-in when this device does not know it. */
export function scopeName(state: TenantState, scopeId: ScopeId | null | undefined): string {
  if (!scopeId) return 'the whole tenant';
  const scope = getOwn(state.scopes, scopeId);
  if (!scope) return 'an unknown scope';
  return scope.deletedAt === null ? scope.name : `${scope.name} (deleted)`;
}

/** Groups by name. */
export function sortedGroups(state: TenantState): Group[] {
  return Object.values(state.groups).sort(byName);
}

/** The group's name, or a stand-in. */
export function groupName(state: TenantState, groupId: string): string {
  return getOwn(state.groups, groupId)?.name ?? 'an unknown group';
}

/**
 * The role an assignment is for and where: "Contributor · on rg-payments", "User
 * Administrator · in Berlin office", "Member of Payments on-call".
 */
export function assignmentRoleLabel(
  state: TenantState,
  a: Pick<Assignment, 'roleId' | 'scopeId' | 'administrativeUnitId'>,
): string {
  const role = findRole(state, a.roleId);
  const parsed = parseGroupRoleId(a.roleId);
  if (parsed) {
    const relation = parsed.relation === 'member' ? 'Member' : 'Owner';
    return `${relation} of ${groupName(state, parsed.groupId)}`;
  }
  const name = role?.name ?? 'Unknown role';
  if (a.scopeId) return `${name} · on ${scopeName(state, a.scopeId)}`;
  if (a.administrativeUnitId) {
    const unit =
      getOwn(state.administrativeUnits, a.administrativeUnitId)?.name ?? 'an unknown unit';
    return `${name} · in ${unit}`;
  }
  return name;
}
