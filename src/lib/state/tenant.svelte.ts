/**
 * The tenant as this device sees it: the read model of the relay's documents, replaced whole on
 * every document update (`$state.raw`: the domain functions read it, nothing mutates it).
 */
import { createContext } from 'svelte';
import type { LeaseholdClient, LedgerEntry } from '$lib/services';
import { findRole } from '#domain/catalogue';
import { hasPermission, type Permission } from '#domain/permissions';
import { initialState } from '#domain/state';
import type { Iso, RoleId, TenantState, UserId } from '#domain/model';

export class TenantStore {
  state = $state.raw<TenantState>(initialState());
  /** Ledger entries from the `audit` document, in seq order. */
  audit = $state.raw<LedgerEntry[]>([]);
  /** True while this user may read the audit document and it is open. */
  auditReadable = $state(false);

  /** Follows the client's read model; returns the cleanup for onMount. */
  follow(client: LeaseholdClient): () => void {
    const offTenant = client.onTenant((state) => {
      this.state = state;
    });
    const offAudit = client.onAudit(({ entries, readable }) => {
      this.audit = entries;
      this.auditReadable = readable;
    });
    return () => {
      offTenant();
      offAudit();
    };
  }

  /** A person's display name for lists; never undefined. */
  nameOf = (userId: UserId | null | 'system'): string => {
    if (userId === null || userId === 'system') return 'Leasehold';
    return Object.hasOwn(this.state.users, userId)
      ? this.state.users[userId]!.displayName
      : 'Unknown person';
  };

  roleName = (roleId: RoleId): string => findRole(this.state, roleId)?.name ?? 'Unknown role';

  can(userId: UserId | null, permission: Permission, at: Iso): boolean {
    return userId !== null && hasPermission(this.state, userId, permission, at);
  }
}

const [getTenant, setTenantContext] = createContext<TenantStore>();

export const useTenant = getTenant;
export const setTenant = setTenantContext;
