import { CaseStatus, IdentifierV1, identifierKey, TriggerCategory, TriggerKind } from '@harbor/contracts';
import { FINAL } from './case-store';

/** What the absorption rule needs to know about an incoming request's trigger. */
export interface RequestedTrigger {
  kind: TriggerKind;
  category: TriggerCategory;
}

/** What the absorption rule needs to know about the clinician's open case, if there is one. */
export interface OpenCaseStatus {
  status: CaseStatus;
}

/** A clinician asking for help themselves: an explicit ask for help now, never folded into another case. */
export function isSelfReferral(trigger: RequestedTrigger): boolean {
  return trigger.kind === 'referral' && trigger.category === 'self-referral';
}

/**
 * One clinician, several triggers: a new trigger for a clinician whose case is still open joins that case
 * instead of opening another one and paging a second supporter. A self-referral always gets its own case.
 */
export function shouldAbsorb(request: { trigger: RequestedTrigger }, openCase: OpenCaseStatus | undefined): boolean {
  if (!openCase || FINAL.includes(openCase.status)) return false;
  return !isSelfReferral(request.trigger);
}

/**
 * Name of the advisory lock that serializes one clinician's requests. The directory's id when it knows the
 * clinician (so an NPI and an employee number of one person share it), else the identifier as received.
 */
export function clinicianLockKey(clinicianId: string | null, identifier: IdentifierV1): string {
  const keys = clinicianLockKeys(identifier);
  return clinicianId ? `${keys.resolvedPrefix}${clinicianId}` : keys.unresolved;
}

/** clinicianLockKey before the directory has answered: the prefix of a known clinician's key, and the key if unknown. */
export function clinicianLockKeys(identifier: IdentifierV1): { resolvedPrefix: string; unresolved: string } {
  return { resolvedPrefix: 'matching:clinician:', unresolved: `matching:identifier:${identifierKey(identifier)}` };
}
