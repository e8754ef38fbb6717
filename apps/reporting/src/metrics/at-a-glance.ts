import { REFERRAL_TYPES, TRIGGER_KINDS } from '@harbor/contracts';
import { Published, sumPublished, SUPPRESSED } from '../disclosure/statistics';
import { CATEGORY_GROUPS, CONTACT_TIME_BANDS, Grouping } from './dimensions';
import { SupporterLoad } from './release';
import { yearStart } from './release-ledger';
import { buildReport, ReleaseShelf, Report } from './report';

/** One labelled published number of the sheet. */
export interface GlanceFigure {
  /** The release's column (or period) it is read from, e.g. `kind:incident`. */
  key: string;
  label: string;
  value: Published;
}

/**
 * "Program at a glance" for one calendar year, for grand rounds and staff meetings. Every number is a cell or a
 * statistic of the protected releases, read through `buildReport` (the one view of them every report, CSV and
 * dashboard uses), or a sum of published cells that is hidden when any part is. Nothing is counted afresh here,
 * so the sheet shows nothing a Q&S report of the same year does not.
 */
export interface AtAGlance {
  year: number;
  minCellSize: number;
  /** The released time the figures cover (periods are released once they have ended and settled). */
  covered: { from: string; to: string } | null;
  /** The first instant of the year not yet released, or null when the whole year is. */
  unreleasedFrom: string | null;
  /** The headline counts of the year: cases, offered, supporter accepted, reached, support accepted, escalated. */
  totals: GlanceFigure[];
  /** Rates and medians: published only when the year was released as one period (they cannot be added up). */
  rates: GlanceFigure[];
  /** Cases by trigger kind and by group of categories. */
  byKind: GlanceFigure[];
  byGroup: GlanceFigure[];
  /** Colleagues reached, by time from the event to the first contact. */
  timeToContact: GlanceFigure[];
  /** Referrals among colleagues who accepted support. */
  referrals: GlanceFigure[];
  /** Cases and colleagues reached per period: quarters where the release allows, else what it was released as. */
  periods: { period: string; cases: Published; reached: Published }[];
  /** How many supporters took cases, by how many (only when the year is one released period). */
  supporterLoad: SupporterLoad | null;
  /** Why a section is coarser than asked (from the report's coarsening notes). */
  notes: string[];
}

const TOTALS: [string, string][] = [
  ['cases', 'Cases'],
  ['outreach:offered', 'Offered to a supporter'],
  ['supporter:accepted', 'Accepted by a supporter'],
  ['reached:yes', 'Colleagues reached'],
  ['clinician:accepted-support', 'Colleagues who accepted support'],
  ['escalated:yes', 'Escalated to the coordinator'],
];
const KIND_LABELS: Record<string, string> = { incident: 'Adverse events', lawsuit: 'Claims and lawsuits', referral: 'Referrals' };
const GROUP_LABELS: Record<string, string> = { 'clinical-incident': 'Clinical incidents', 'staff-harm': 'Harm to staff', legal: 'Legal', referral: 'Self and colleague referral' };
const BAND_LABELS: Record<string, string> = {
  'contact-time:0-30': 'Within 30 minutes', 'contact-time:31-60': '31–60 minutes', 'contact-time:61-240': '1–4 hours',
  'contact-time:over-240': 'Over 4 hours', 'contact-time:unrecorded': 'Not recorded',
};
const REFERRAL_LABELS: Record<string, string> = {
  'eap-therapy': 'Employee assistance or therapy', legal: 'Legal advice', 'disclosure-coaching': 'Disclosure coaching',
  'external-line': 'External support line', chaplaincy: 'Chaplaincy',
};

export function programAtAGlance(shelf: ReleaseShelf, year: number, minCellSize: number): AtAGlance {
  const from = yearStart(year);
  const to = yearStart(year + 1);
  const yearView = (grouping: Grouping) => buildReport(shelf, { from, to, granularity: 'year', place: 'all', grouping }, minCellSize);
  const outreach = yearView('outreach');
  const escalation = yearView('escalation');
  const kinds = yearView('kind');
  const categories = yearView('category');
  const contact = yearView('contact-time');
  const referral = yearView('referral');
  const quarters = buildReport(shelf, { from, to, granularity: 'quarter', place: 'all', grouping: 'outreach' }, minCellSize);

  // The "all places" row of each released period of the year, added up; a hidden part hides the sum.
  const yearCell = (report: Report, column: string): Published => sumPublished(report.periods.map((period) => period.rows[0]?.cells[column]));
  const figure = (report: Report, key: string, label: string): GlanceFigure => ({ key, label, value: yearCell(report, key) });
  const single = outreach.periods.length === 1 && !outreach.periods[0].derived ? outreach.periods[0] : null;
  const statistics = single?.rows[0]?.statistics ?? null;
  const stat = (key: keyof NonNullable<typeof statistics>, label: string): GlanceFigure => ({ key, label, value: statistics?.[key] ?? SUPPRESSED });

  const released = outreach.periods.length > 0;
  const notes = [...new Set([...quarters.coarsening, ...categories.coarsening].map((note) => `${note.dimension === 'period' ? 'Periods' : 'Categories'} shown as released (${note.applied}) rather than by ${note.requested}: ${note.reason}.`))];
  if (released && !single) notes.push('Rates and medians are shown only for a year released as one period: they cannot be added up from its parts.');

  return {
    year,
    minCellSize,
    covered: released ? { from: outreach.periods[0].start, to: outreach.periods[outreach.periods.length - 1].end } : null,
    unreleasedFrom: outreach.unreleasedFrom,
    totals: released ? TOTALS.map(([key, label]) => figure(key === 'escalated:yes' ? escalation : outreach, key, label)) : [],
    rates: released
      ? [
          stat('percentSupporterAccepted', 'Offers a supporter accepted (%)'),
          stat('percentContactedWithinTarget', 'Reached within 30 minutes (%)'),
          stat('percentClinicianAcceptedSupport', 'Accepted support, of those reached (%)'),
          stat('medianMinutesToFirstContact', 'Median minutes from event to first contact'),
          stat('medianMinutesOfferToAccept', 'Median minutes from offer to acceptance'),
        ]
      : [],
    byKind: released ? TRIGGER_KINDS.map((kind) => figure(kinds, `kind:${kind}`, KIND_LABELS[kind] ?? kind)) : [],
    byGroup: released ? Object.keys(CATEGORY_GROUPS).map((group) => figure(categories, `group:${group}`, GROUP_LABELS[group] ?? group)) : [],
    timeToContact: released
      ? [...CONTACT_TIME_BANDS.map((band) => band.id as string), 'contact-time:unrecorded'].map((band) => figure(contact, band, BAND_LABELS[band] ?? band))
      : [],
    referrals: released ? REFERRAL_TYPES.map((type) => figure(referral, `referral:${type}:yes`, REFERRAL_LABELS[type] ?? type)) : [],
    periods: quarters.periods.map((period) => ({ period: period.period, cases: period.rows[0]?.cells.cases ?? ZERO, reached: period.rows[0]?.cells['reached:yes'] ?? ZERO })),
    supporterLoad: single?.supporterLoad ?? null,
    notes,
  };
}

/** A released period without an "all places" row had no cases. */
const ZERO: Published = Object.freeze({ value: 0, suppressed: false });

/** How a published number is shown to a person: the value, or `<k` when it is withheld. */
export function shown(value: Published, minCellSize: number): string {
  return value.suppressed ? `<${minCellSize}` : String(value.value);
}
