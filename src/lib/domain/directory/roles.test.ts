import { describe, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Command } from '#domain/commands';
import { asUser, at, decideOk, given, tenant } from '#domain/test-support';

const GA = ROLE_IDS.GlobalAdministrator;

describe('CreateRole', () => {
  const w = tenant();
  const create = (over: Partial<Extract<Command, { type: 'CreateRole' }>> = {}): Command => ({
    type: 'CreateRole',
    roleId: 'helpdesk',
    name: ' Helpdesk ',
    description: 'First-line support',
    ...over,
  });

  it('creates a custom directory role', () => {
    given(w.events)
      .when(create(), asUser('ada', at(1)))
      .then([
        {
          type: 'RoleCreated',
          role: {
            id: 'helpdesk',
            name: 'Helpdesk',
            description: 'First-line support',
            kind: 'directory',
            builtIn: false,
            createdAt: at(1),
          },
        },
      ]);
  });

  it('needs manage-roles and valid text', () => {
    given(w.events)
      .when(create(), asUser('grace', at(1)))
      .thenRejects('not-authorized');
    given(w.events)
      .when(create({ name: '' }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
    given(w.events)
      .when(create({ name: 'n'.repeat(101) }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
    given(w.events)
      .when(create({ description: 'd'.repeat(500) }), asUser('ada', at(1)))
      .thenAccepts();
    given(w.events)
      .when(create({ description: 'd'.repeat(501) }), asUser('ada', at(1)))
      .thenRejects('invalid-value');
  });

  it('refuses taken ids and names, built-in ones too', () => {
    const events = [...w.events, ...decideOk(create(), w.state, asUser('ada', at(1)))];
    given(events)
      .when(create({ name: 'Other' }), asUser('ada', at(2)))
      .thenRejects('duplicate-id');
    given(events)
      .when(create({ roleId: GA, name: 'Other' }), asUser('ada', at(2)))
      .thenRejects('duplicate-id');
    given(events)
      .when(create({ roleId: 'h2', name: 'HELPDESK' }), asUser('ada', at(2)))
      .thenRejects('role-name-taken');
    given(events)
      .when(create({ roleId: 'ga2', name: 'global administrator' }), asUser('ada', at(2)))
      .thenRejects('role-name-taken');
  });
});
