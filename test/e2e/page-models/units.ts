/**
 * Page model for administrative units (issue 3, "Scopes and groups": administrative units for
 * directory roles). Elements are found by role and accessible name.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export class UnitsPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }
  region(): Locator {
    return this.page.getByRole('region', { name: 'Administrative units', exact: true });
  }
  unit(name: string): Locator {
    return this.region()
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }
  async create(name: string) {
    await this.region().getByLabel('Unit name').fill(name);
    await this.region().getByRole('button', { name: 'Create unit' }).click();
    await expect(this.unit(name)).toBeVisible();
  }
  async chooseMembers(unit: string, people: string[]) {
    await this.unit(unit)
      .getByRole('button', { name: `Choose members of ${unit}` })
      .click();
    const form = this.unit(unit).getByRole('form', { name: `Members of ${unit}` });
    for (const person of people) {
      await form.getByLabel('Find people').fill(person);
      await form.getByRole('checkbox', { name: person, exact: true }).check();
    }
    await form.getByRole('button', { name: 'Save members' }).click();
    await expect(form).toBeHidden();
  }
  /** Assigns a directory role for a unit only, from the Eligibility section. */
  async assignForUnit(person: string, role: string, unit: string, type: 'Eligible' | 'Active') {
    const region = this.page.getByRole('region', { name: 'Eligibility', exact: true });
    await region.getByLabel('Person').selectOption({ label: person });
    await region.getByLabel('Role', { exact: true }).selectOption({ label: role });
    await region.getByLabel('Administrative unit (optional)').selectOption({ label: unit });
    await region.getByRole('radio', { name: new RegExp(`^${type}`) }).check();
    await region.getByLabel('Justification', { exact: true }).fill(`${unit} office desk`);
    await region.getByRole('button', { name: 'Assign role' }).click();
    await expect(region.getByText(new RegExp(`^${person} is now `))).toBeVisible();
  }
}
