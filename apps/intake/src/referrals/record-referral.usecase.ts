import { Injectable } from '@nestjs/common';
import { IdentifierV1, ProfessionGroup } from '@harbor/contracts';
import { RecordTrigger } from '../triggers/record-trigger.usecase';
import { ReferralKind } from './referral.dto';

/** Who a referral is for: an identifier the directory may know, or only what a person wrote (name and contact). */
export type ReferredPerson = { identifier: IdentifierV1; profession?: ProfessionGroup } | { displayText: string };

export interface Referral {
  referredBy: ReferralKind;
  person: ReferredPerson;
  facility: string;
  department?: string;
  /** The referring caller's own id for this referral: the same id again is recorded once. */
  referralId: string;
  /** Who sent it (a source system's subject, or the public page); with the referral id, the dedupe key. */
  caller: string;
}

/**
 * The one path every referral takes, from `POST /v1/referrals` and from the public page `/refer`: a self-referral
 * is always honoured (even for a clinician who opted out or was paged lately); a referral by a colleague or
 * manager is proactive outreach (opt-out and cooldown apply). A person named without an identifier goes to the
 * triage queue with what was written, for program staff to resolve. Callers learn nothing of what was decided.
 */
@Injectable()
export class RecordReferral {
  constructor(private readonly recordTrigger: RecordTrigger) {}

  async execute(referral: Referral): Promise<void> {
    const now = new Date().toISOString();
    const selfReferral = referral.referredBy === 'self';
    const { person } = referral;
    await this.recordTrigger.executeInOwnTransaction(
      {
        kind: 'referral',
        // Referral ids are unique per caller, so two portals cannot collide.
        source: `referral:${referral.caller}`.slice(0, 100),
        sourceEventId: referral.referralId,
        category: selfReferral ? 'self-referral' : 'colleague-referral',
        facility: referral.facility,
        department: referral.department,
        occurredAt: now,
        reportedAt: now,
        clinicians: 'identifier' in person ? [{ identifier: { system: person.identifier.system, value: person.identifier.value }, profession: person.profession }] : [],
        unidentified: 'displayText' in person ? [{ reason: 'display-only', hint: person.displayText }] : [],
      },
      { selfReferral },
    );
  }
}
