import { IntakeTriggers1764000000100 } from './1764000000100-intake-triggers';
import { IntakeTriageOptOuts1764000000500 } from './1764000000500-intake-triage-opt-outs';
import { IntakeSeenSignatures1764000000800 } from './1764000000800-intake-seen-signatures';
import { IntakeTriageIdentifiers1764000120020 } from './1764000120020-intake-triage-identifiers';
import { IntakeForgetting1764000140100 } from './1764000140100-intake-forgetting';
import { IntakeTriggerPolicy1764000240100 } from './1764000240100-intake-trigger-policy';

/** The intake schema's migrations, in order; the shared messaging tables come first (added by the service runtime). */
export const INTAKE_MIGRATIONS = [
  IntakeTriggers1764000000100, IntakeTriageOptOuts1764000000500, IntakeSeenSignatures1764000000800, IntakeTriageIdentifiers1764000120020,
  IntakeForgetting1764000140100, IntakeTriggerPolicy1764000240100,
];
