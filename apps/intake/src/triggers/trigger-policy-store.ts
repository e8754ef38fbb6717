import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { readOncePerTransaction } from '@harbor/persistence';
import { OutreachSettings } from '../intake.settings';
import { effectiveTriggerPolicy, ProgramTriggerPolicy, TriggerPolicyField, TriggerPolicyOverrides } from './outreach-policy';

const COLUMNS: Record<TriggerPolicyField, string> = {
  servedProfessions: 'served_professions',
  outreachCategories: 'outreach_categories',
  minHarmLevel: 'min_harm_level',
  lawsuitKinds: 'lawsuit_kinds',
  cooldownHours: 'cooldown_hours',
};

export type EffectiveTriggerPolicy = ReturnType<typeof effectiveTriggerPolicy> & { updatedAt: Date | null };

/**
 * The one owner of `"intake"."trigger_policy"`: program staff's overrides of the configured policy (one row).
 * There is no cache across transactions: the decision path reads the row once in each transaction that records
 * triggers (a consumer's chunk of records shares one read), so every intake replica decides by the policy in force
 * the moment a change is committed, and a trigger is decided by the policy of when it was recorded.
 */
@Injectable()
export class TriggerPolicyStore {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly outreach: OutreachSettings,
  ) {}

  /** The configured defaults (INTAKE_* settings). */
  defaults(): ProgramTriggerPolicy {
    return { ...this.outreach.policy, cooldownHours: this.outreach.cooldownHours };
  }

  async effective(manager: EntityManager = this.dataSource.manager): Promise<EffectiveTriggerPolicy> {
    return readOncePerTransaction(manager, 'trigger_policy', () => this.read(manager));
  }

  private async read(manager: EntityManager): Promise<EffectiveTriggerPolicy> {
    const [row] = await manager.query(
      `SELECT "served_professions", "outreach_categories", "min_harm_level", "lawsuit_kinds", "cooldown_hours", "updated_at" FROM "intake"."trigger_policy" WHERE "id" = 1`,
    );
    const overrides: TriggerPolicyOverrides = {};
    if (row) for (const [field, column] of Object.entries(COLUMNS)) if (row[column] !== null) Object.assign(overrides, { [field]: row[column] });
    return { ...effectiveTriggerPolicy(this.defaults(), overrides), updatedAt: row?.updated_at ?? null };
  }

  /**
   * Sets the given fields (null: back to the configured default); fields left out keep their current value.
   * Only triggers recorded after the commit are decided by the new policy.
   */
  async save(changes: { [F in TriggerPolicyField]?: ProgramTriggerPolicy[F] | null }, updatedBy: string): Promise<EffectiveTriggerPolicy> {
    const fields = (Object.keys(COLUMNS) as TriggerPolicyField[]).filter((field) => changes[field] !== undefined);
    const columns = fields.map((field) => COLUMNS[field]);
    const values = fields.map((field) => changes[field] as unknown);
    const placeholders = values.map((_, index) => `$${index + 2}`);
    await this.dataSource.query(
      `INSERT INTO "intake"."trigger_policy" ("id", "updated_by"${columns.map((column) => `, "${column}"`).join('')}) VALUES (1, $1${placeholders.map((p) => `, ${p}`).join('')})
       ON CONFLICT ("id") DO UPDATE SET "updated_at" = now(), "updated_by" = EXCLUDED."updated_by"${columns.map((column) => `, "${column}" = EXCLUDED."${column}"`).join('')}`,
      [updatedBy, ...values],
    );
    return this.effective();
  }
}
