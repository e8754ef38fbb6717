import { ESCALATION_REASONS, HARM_LEVELS, INCIDENT_CATEGORIES, LAWSUIT_KINDS, PROFESSION_GROUPS, REFERRAL_TYPES, TRIGGER_KINDS } from '@harbor/contracts';
import { DimensionNode, flatten } from '../disclosure/cross-table';
import { CaseFact, CONTACT_TARGET_MINUTES } from './case-fact';

/** Category → group: the coarser level reports fall back to when categories are too small. */
export const CATEGORY_GROUPS: Record<string, readonly string[]> = {
  'clinical-incident': INCIDENT_CATEGORIES.filter((category) => category !== 'staff-assault'),
  'staff-harm': ['staff-assault'],
  legal: LAWSUIT_KINDS,
  referral: ['self-referral', 'colleague-referral'],
};
const GROUP_OF = new Map(Object.entries(CATEGORY_GROUPS).flatMap(([group, categories]) => categories.map((category) => [category, group])));
export const groupOf = (category: string) => GROUP_OF.get(category) ?? 'clinical-incident';

export const CONTACT_TIME_BANDS = [
  { id: 'contact-time:0-30', max: CONTACT_TARGET_MINUTES },
  { id: 'contact-time:31-60', max: 60 },
  { id: 'contact-time:61-240', max: 240 },
  { id: 'contact-time:over-240', max: Infinity },
] as const;

const leaf = (id: string): DimensionNode => ({ id });
const yesNo = (name: string, yes: DimensionNode['partitions'] = undefined): DimensionNode[] => [{ id: `${name}:yes`, partitions: yes }, leaf(`${name}:no`)];

/**
 * Every count reporting publishes, as one hierarchy under "cases". Each node is split in exhaustive,
 * disjoint ways, so every relation a reader could use (a part and its complement add up to the whole) is
 * a relation of the canonical table and protected together.
 */
export const COLUMN_ROOT: DimensionNode = {
  id: 'cases',
  partitions: [
    TRIGGER_KINDS.map((kind) => leaf(`kind:${kind}`)),
    Object.entries(CATEGORY_GROUPS).map(([group, categories]) => ({ id: `group:${group}`, partitions: [categories.map((c) => leaf(`category:${c}`))] })),
    [...HARM_LEVELS.map((harm) => leaf(`harm:${harm}`)), leaf('harm:unrecorded')],
    [...PROFESSION_GROUPS.map((group) => leaf(`profession:${group}`)), leaf('profession:unrecorded')],
    [
      leaf('outreach:not-offered'),
      {
        id: 'outreach:offered',
        partitions: [
          [
            leaf('supporter:not-accepted'),
            {
              id: 'supporter:accepted',
              partitions: [
                [
                  leaf('reached:no'),
                  {
                    id: 'reached:yes',
                    partitions: [
                      [...CONTACT_TIME_BANDS.map((band) => leaf(band.id)), leaf('contact-time:unrecorded')],
                      [
                        leaf('clinician:declined-support'),
                        {
                          id: 'clinician:accepted-support',
                          partitions: [yesNo('follow-up-completed'), ...REFERRAL_TYPES.map((type) => yesNo(`referral:${type}`))],
                        },
                      ],
                    ],
                  },
                ],
              ],
            },
          ],
        ],
      },
    ],
    [
      leaf('escalated:no'),
      {
        id: 'escalated:yes',
        partitions: [
          [...ESCALATION_REASONS.map((reason) => leaf(`escalation-reason:${reason}`)), leaf('escalation-reason:unrecorded')],
          yesNo('fallback-offered'),
        ],
      },
    ],
  ],
};

/** Every column of a release, in hierarchy order. */
export const COLUMN_IDS: readonly string[] = flatten(COLUMN_ROOT).map((node) => node.id);

/** The column nodes a case counts in: one per partition level it reaches. */
export function columnsOf(fact: CaseFact): string[] {
  const category = GROUP_OF.has(fact.category) ? fact.category : 'other';
  const columns = ['cases', `kind:${fact.triggerKind}`, `group:${groupOf(category)}`, `category:${category}`];
  columns.push(`harm:${fact.harmLevel ?? 'unrecorded'}`, `profession:${fact.professionGroup ?? 'unrecorded'}`);
  const reached = fact.reached;
  const accepted = fact.supporterAccepted || reached;
  const offered = fact.offers > 0 || accepted;
  if (!offered) columns.push('outreach:not-offered');
  else {
    columns.push('outreach:offered');
    if (!accepted) columns.push('supporter:not-accepted');
    else {
      columns.push('supporter:accepted');
      if (!reached) columns.push('reached:no');
      else {
        columns.push('reached:yes');
        const minutes = fact.minutesToFirstContact;
        columns.push(minutes === null ? 'contact-time:unrecorded' : CONTACT_TIME_BANDS.find((band) => minutes <= band.max)!.id);
        if (fact.clinicianDeclined) columns.push('clinician:declined-support');
        else {
          columns.push('clinician:accepted-support', fact.followUpsCompleted > 0 ? 'follow-up-completed:yes' : 'follow-up-completed:no');
          for (const type of REFERRAL_TYPES) columns.push(`referral:${type}:${fact.referrals.includes(type) ? 'yes' : 'no'}`);
        }
      }
    }
  }
  if (!fact.escalated) columns.push('escalated:no');
  else {
    columns.push('escalated:yes', `escalation-reason:${fact.escalationReason ?? 'unrecorded'}`);
    columns.push(fact.fallbackOffered ? 'fallback-offered:yes' : 'fallback-offered:no');
  }
  return columns;
}

/** Column views the API offers ("groupBy"), each a set of nodes of the one canonical hierarchy. */
export const GROUPINGS = ['kind', 'category', 'harm', 'profession', 'outreach', 'contact-time', 'referral', 'escalation'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export function columnsForGrouping(grouping: Grouping, categoryLevel: 'category' | 'group' = 'category'): string[] {
  switch (grouping) {
    case 'kind':
      return ['cases', ...TRIGGER_KINDS.map((kind) => `kind:${kind}`)];
    case 'category':
      return categoryLevel === 'group'
        ? ['cases', ...Object.keys(CATEGORY_GROUPS).map((group) => `group:${group}`)]
        : ['cases', ...Object.entries(CATEGORY_GROUPS).flatMap(([group, categories]) => [`group:${group}`, ...categories.map((c) => `category:${c}`)])];
    case 'harm':
      return ['cases', ...HARM_LEVELS.map((harm) => `harm:${harm}`), 'harm:unrecorded'];
    case 'profession':
      return ['cases', ...PROFESSION_GROUPS.map((group) => `profession:${group}`), 'profession:unrecorded'];
    case 'outreach':
      return [
        'cases', 'outreach:not-offered', 'outreach:offered', 'supporter:not-accepted', 'supporter:accepted', 'reached:no', 'reached:yes',
        'clinician:declined-support', 'clinician:accepted-support', 'follow-up-completed:yes', 'follow-up-completed:no',
      ];
    case 'contact-time':
      return ['reached:yes', ...CONTACT_TIME_BANDS.map((band) => band.id), 'contact-time:unrecorded'];
    case 'referral':
      return ['clinician:accepted-support', ...REFERRAL_TYPES.flatMap((type) => [`referral:${type}:yes`, `referral:${type}:no`])];
    case 'escalation':
      return [
        'cases', 'escalated:no', 'escalated:yes', ...ESCALATION_REASONS.map((reason) => `escalation-reason:${reason}`),
        'escalation-reason:unrecorded', 'fallback-offered:yes', 'fallback-offered:no',
      ];
  }
}
