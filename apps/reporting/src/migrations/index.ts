import { ReportingCaseFacts1764000000400 } from './1764000000400-reporting-case-facts';
import { ReportingCaseOutcomes1764000000600 } from './1764000000600-reporting-case-outcomes';
import { ReportingReleases1764000010000 } from './1764000010000-reporting-releases';
import { ReportingDebriefFacts1764000190100 } from './1764000190100-reporting-debrief-facts';

/** The reporting schema's migrations, in order; the shared messaging tables come first (added by the service runtime). */
export const REPORTING_MIGRATIONS = [
  ReportingCaseFacts1764000000400,
  ReportingCaseOutcomes1764000000600,
  ReportingReleases1764000010000,
  ReportingDebriefFacts1764000190100,
];
