/** Page models for the resource tree, groups and scoped eligibility (Administration). */
import { expect, type Locator, type Page } from '@playwright/test';

export class ResourcesPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  region(): Locator {
    return this.page.getByRole('region', { name: 'Resources', exact: true });
  }
  tree(): Locator {
    return this.region().getByRole('list', { name: 'Resource tree' });
  }
  /** Adds a scope at the top of the tree, or inside `parent` (its kind: the next one down). */
  async add(name: string, kind: string, parent?: string) {
    const region = this.region();
    if (parent) {
      await region.getByRole('button', { name: `Add inside ${parent}` }).click();
      await expect(region.getByLabel('Scope name')).toBeFocused();
    }
    await region.getByLabel('Kind').selectOption({ label: kind });
    await region.getByLabel('Scope name').fill(name);
    await region.getByRole('button', { name: 'Add scope' }).click();
    await expect(this.tree().getByText(name, { exact: true })).toBeVisible();
  }
}

export class GroupsPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  region(): Locator {
    return this.page.getByRole('region', { name: 'Groups', exact: true });
  }
  card(group: string): Locator {
    return this.region().getByRole('article', { name: group, exact: true });
  }
  async create(name: string) {
    await this.region().getByLabel('Group name').fill(name);
    await this.region().getByRole('button', { name: 'Create group' }).click();
    await expect(this.card(name)).toBeVisible();
  }
  async add(group: string, relation: 'member' | 'owner', person: string) {
    const card = this.card(group);
    const label = relation === 'member' ? `Add a member to ${group}` : `Add an owner to ${group}`;
    await card.getByLabel(label).selectOption({ label: person });
    await card
      .getByRole('button', { name: relation === 'member' ? 'Add member' : 'Add owner' })
      .click();
    await expect(
      card.getByText(
        `${person} is now ${relation === 'member' ? 'a member' : 'an owner'} of ${group}.`,
      ),
    ).toBeVisible();
  }
  members(group: string): Locator {
    return this.card(group).getByRole('region', { name: `Members of ${group}`, exact: true });
  }
  owners(group: string): Locator {
    return this.card(group).getByRole('region', { name: `Owners of ${group}`, exact: true });
  }
  effective(group: string): Locator {
    return this.card(group).getByRole('region', {
      name: `Effective members of ${group}`,
      exact: true,
    });
  }
}

export class ScopedEligibilityPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  region(): Locator {
    return this.page.getByRole('region', { name: 'Eligibility', exact: true });
  }
  /** Makes a group eligible for a resource role at a scope. */
  async makeGroupEligible(group: string, role: string, scope: string, justification: string) {
    await this.assignGroup(group, role, scope, justification, 'eligible');
  }
  /** Assigns a resource role at a scope to a group, eligible or active (held all the time). */
  async assignGroup(
    group: string,
    role: string,
    scope: string,
    justification: string,
    type: 'eligible' | 'active',
  ) {
    const region = this.region();
    await region.getByRole('radio', { name: /^Group/ }).check();
    await region.getByLabel('Group', { exact: true }).selectOption({ label: group });
    await region.getByLabel('Role', { exact: true }).selectOption({ label: role });
    const scopeSelect = region.getByLabel('Scope (required)');
    const option = scopeSelect.getByRole('option', { name: new RegExp(`${scope} \\(`) });
    await scopeSelect.selectOption(await option.getAttribute('value').then((v) => v ?? ''));
    await region
      .getByRole('radio', { name: type === 'eligible' ? /^Eligible \(/ : /^Active \(/ })
      .check();
    await region.getByLabel('Justification', { exact: true }).fill(justification);
    await region.getByRole('button', { name: 'Assign role' }).click();
    const outcome = type === 'eligible' ? 'eligible for' : 'assigned';
    await expect(
      region.getByText(`The group ${group} is now ${outcome} ${role} · on ${scope}.`),
    ).toBeVisible();
  }
}
