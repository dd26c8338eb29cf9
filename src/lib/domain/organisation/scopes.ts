/**
 * The resource tree (PRODUCT.md "Concepts": management group → subscription → resource group →
 * resource). Assignments at a scope apply at it and below it; role settings do not inherit
 * (`settingsKey`). A child's kind must come strictly after its parent's, which bounds the depth
 * at four and, since a scope never changes parent, rules out cycles.
 */
import type { Scope, ScopeId, ScopeKind, TenantState } from '#domain/model';
import { getOwn, valuesOf } from '#domain/records';

/** Scope kinds from the top of the tree down. */
export const SCOPE_KINDS = [
  'management-group',
  'subscription',
  'resource-group',
  'resource',
] as const satisfies readonly ScopeKind[];

/** The deepest a tree may be: one level per kind. */
export const MAX_SCOPE_DEPTH = SCOPE_KINDS.length;

/** True when a scope of kind `child` may sit directly under one of kind `parent`. */
export function canNestScope(parent: ScopeKind, child: ScopeKind): boolean {
  return SCOPE_KINDS.indexOf(child) > SCOPE_KINDS.indexOf(parent);
}

/** The scope if it exists and was not deleted. */
export function liveScope(state: TenantState, scopeId: ScopeId): Scope | undefined {
  const scope = getOwn(state.scopes, scopeId);
  return scope && scope.deletedAt === null ? scope : undefined;
}

/**
 * The scope and its ancestors, nearest first; empty when it (or any ancestor) is unknown or
 * deleted. Stops after MAX_SCOPE_DEPTH steps so a malformed read model cannot loop.
 */
export function scopeAncestry(state: TenantState, scopeId: ScopeId): ScopeId[] {
  const chain: ScopeId[] = [];
  let current: ScopeId | null = scopeId;
  while (current !== null && chain.length < MAX_SCOPE_DEPTH) {
    const scope = liveScope(state, current);
    if (!scope) return [];
    chain.push(scope.id);
    current = scope.parentId;
  }
  return current === null ? chain : [];
}

/**
 * True when something granted at `granted` applies at `target`: a tenant-wide grant (null)
 * applies everywhere; a scoped one at its own live scope and every live scope below it, and
 * never tenant-wide.
 */
export function scopeCovers(
  state: TenantState,
  granted: ScopeId | null,
  target: ScopeId | null,
): boolean {
  if (granted === null) return true;
  if (target === null) return false;
  return scopeAncestry(state, target).includes(granted);
}

/** The live scopes directly under `scopeId`. */
export function childScopes(state: TenantState, scopeId: ScopeId): Scope[] {
  return valuesOf(state.scopes).filter((s) => s.parentId === scopeId && s.deletedAt === null);
}
