import { MatchingDirectoryAndCases1764000000200 } from './1764000000200-matching-directory-and-cases';
import { MatchingPolicyRosterDeadlines1764000000400 } from './1764000000400-matching-policy-roster-deadlines';
import { MatchingAbsorbedRequests1764000000700 } from './1764000000700-matching-absorbed-requests';
import { MatchingAckClockAtDelivery1764000050100 } from './1764000050100-matching-ack-clock-at-delivery';
import { MatchingClinicianProfessionUnknown1764000120010 } from './1764000120010-matching-clinician-profession-unknown';
import { MatchingCasePurge1764000140000 } from './1764000140000-matching-case-purge';
import { MatchingCareForTheCarers1764000160010 } from './1764000160010-matching-care-for-the-carers';
import { MatchingGroupDebriefs1764000190000 } from './1764000190000-matching-group-debriefs';
import { MatchingRecognitionConsent1764000200100 } from './1764000200100-matching-recognition-consent';
import { MatchingCasesBoard1764000210000 } from './1764000210000-matching-cases-board';
import { MatchingCapacityHolds1764000250000 } from './1764000250000-matching-capacity-holds';
import { MatchingEventClinicians1764000270000 } from './1764000270000-matching-event-clinicians';
import { MatchingSupporterNamedInEvent1764000280000 } from './1764000280000-matching-supporter-named-in-event';

/** The matching schema's migrations, in order; the shared messaging tables come first (added by the service runtime). */
export const MATCHING_MIGRATIONS = [
  MatchingDirectoryAndCases1764000000200,
  MatchingPolicyRosterDeadlines1764000000400,
  MatchingAbsorbedRequests1764000000700,
  MatchingAckClockAtDelivery1764000050100,
  MatchingClinicianProfessionUnknown1764000120010,
  MatchingCasePurge1764000140000,
  MatchingCareForTheCarers1764000160010,
  MatchingGroupDebriefs1764000190000,
  MatchingRecognitionConsent1764000200100,
  MatchingCasesBoard1764000210000,
  MatchingCapacityHolds1764000250000,
  MatchingEventClinicians1764000270000,
  MatchingSupporterNamedInEvent1764000280000,
];
