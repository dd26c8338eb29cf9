import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import { settingsFor } from '#domain/settings/settings';
import { verifyLedger } from '#protocol/verify-ledger';
import { fromBase64 } from '#ledger/bytes';
import { loadDemoOrganisation } from '../../sync-server/dev/demo-data';
import { startRelay } from './support/harness';

describe('the demo organisation', () => {
  it('loads through the real pipeline with nothing refused, and its ledger verifies with every passkey', async () => {
    const h = await startRelay();
    try {
      // The demo runs its own setup: the harness's setup token must not be spent first.
      const demo = await loadDemoOrganisation(h.relay, h, 30);
      expect(demo.refused).toBe(0);
      const state = h.relay.state;
      expect(Object.keys(state.users)).toHaveLength(31);
      expect(settingsFor(state, ROLE_IDS.GlobalAdministrator)).toMatchObject({
        requireApproval: true,
        approvalsRequired: 2,
      });
      const statuses = Object.values(state.requests).map((r) => r.status);
      expect(statuses).toEqual(
        expect.arrayContaining(['Provisioned', 'Denied', 'PendingApproval']),
      );
      expect(
        Object.values(state.activations).filter((a) => a.status === 'active').length,
      ).toBeGreaterThan(3);
      // A resource tree and groups, with a group eligible at a subscription.
      expect(Object.keys(state.scopes)).toHaveLength(5);
      expect(
        Object.values(state.groups)
          .map((g) => g.name)
          .sort(),
      ).toEqual(['Database admins', 'Payments on-call', 'SRE']);
      expect(
        Object.values(state.assignments).some(
          (a) => a.principalKind === 'group' && a.scopeId !== null,
        ),
      ).toBe(true);

      const key = (await (await fetch(`${h.http}/.well-known/leasehold/relay-key`)).json()) as {
        origin: string;
        keyName: string;
        publicKey: string;
        vkey: string;
      };
      const entries = h.relay.projection.docs.audit.getArray<string>('entries').toArray();
      const checkpoint = await (await fetch(`${h.http}/api/ledger/checkpoint`)).text();
      const result = await verifyLedger({
        entries,
        checkpoints: [checkpoint],
        relayKey: {
          origin: key.origin,
          keyName: key.keyName,
          publicKey: key.publicKey,
          vkey: key.vkey,
        },
        webauthn: true,
      });
      expect(result).toMatchObject({ ok: true, size: entries.length });
      expect(fromBase64(key.publicKey)).toHaveLength(32);
    } finally {
      await h.close();
    }
  });
});
