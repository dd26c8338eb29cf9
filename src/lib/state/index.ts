export { SessionState, setSession, useSession } from './session.svelte';
export { TenantStore, setTenant, useTenant } from './tenant.svelte';
export { Clock, setClock, useClock } from './clock.svelte';
export { LedgerState, setLedger, useLedger } from './ledger.svelte';
export { AuditView, type AuditScope } from './audit-view.svelte';
export { OutboxState, setOutbox, useOutbox, type QueuedRow } from './outbox.svelte';
export { RoleSettingsForm, type SettingsField } from './role-settings-form.svelte';
