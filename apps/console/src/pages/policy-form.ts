import { FormBody, field } from './forms';

/** Matching's policy fields as the settings form shows them: durations in minutes and hours, not seconds. */
export interface PolicyView {
  departmentRule: string;
  professionRule: string;
  languageRule: string;
  ackTimeoutSeconds: number;
  overallDeadlineSeconds: number;
  maxOffers: number;
  followUpSeconds: number[];
  fallbackResource: string;
  restAfterSevereHours: number;
  monthlyCaseCap: number;
}

const whole = (value: string | undefined, scale: number): number | string | undefined =>
  value === undefined ? undefined : /^\d+(\.\d+)?$/.test(value) ? Math.round(Number(value) * scale) : value;

/** The settings form → matching's `PUT /v1/policy` body (unchanged fields are sent as shown: the service validates). */
export function policyFromForm(body: FormBody): Record<string, unknown> {
  const followUps = (field(body, 'followUpHours') ?? '').split(',').map((item) => item.trim()).filter(Boolean).map((hours) => whole(hours, 3600));
  const policy: Record<string, unknown> = {
    program: field(body, 'program') ?? 'default',
    facilities: (field(body, 'facilities') ?? '').split(',').map((item) => item.trim()).filter(Boolean),
    departmentRule: field(body, 'departmentRule'),
    professionRule: field(body, 'professionRule'),
    languageRule: field(body, 'languageRule'),
    ackTimeoutSeconds: whole(field(body, 'ackTimeoutMinutes'), 60),
    overallDeadlineSeconds: whole(field(body, 'overallDeadlineMinutes'), 60),
    maxOffers: whole(field(body, 'maxOffers'), 1),
    followUpSeconds: followUps,
    fallbackResource: field(body, 'fallbackResource'),
    restAfterSevereHours: whole(field(body, 'restAfterSevereHours'), 1),
    monthlyCaseCap: whole(field(body, 'monthlyCaseCap'), 1),
  };
  return Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined));
}

/** The encounter-content form (one prompt a line, resource rows) → notification's `PUT …/encounter-content` body. */
export function encounterContentFromForm(body: FormBody, rows: number): { guide: string[]; resources: Record<string, string>[] } {
  const guide = (field(body, 'guide') ?? '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const resources = [];
  for (let row = 0; row < rows; row++) {
    const kind = field(body, `resourceKind${row}`);
    if (!kind) continue;
    const resource: Record<string, string> = { kind, label: field(body, `resourceLabel${row}`) ?? '' };
    const phone = field(body, `resourcePhone${row}`);
    const url = field(body, `resourceUrl${row}`);
    if (phone) resource.phone = phone;
    if (url) resource.url = url;
    resources.push(resource);
  }
  return { guide, resources };
}

/** Intake's trigger policy as `GET /v1/trigger-policy` gives it. */
export interface TriggerPolicyView {
  servedProfessions: string[];
  outreachCategories: string[];
  minHarmLevel: string;
  lawsuitKinds: string[];
  cooldownHours: number;
  /** The fields program staff set; the others are intake's INTAKE_* configuration. */
  overridden?: string[];
}

/** Every checked value of a checkbox list (none checked: an empty list). */
function checked(body: FormBody, name: string): string[] {
  const raw = body[name];
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((value) => value.trim()).filter(Boolean);
}

/** A trigger-policy field's value as one comparable text (lists order-free), for the form's `shown.<field>` inputs. */
export function shownValue(value: readonly string[] | string | number): string {
  return Array.isArray(value) ? [...value].sort().join(',') : String(value);
}

/**
 * The trigger-policy form → intake's `PUT /v1/trigger-policy` body: only the fields changed from what the page
 * showed (its `shown.<field>` inputs), so an untouched field keeps following the configuration and a change made
 * meanwhile by someone else to another field is not overwritten. "all" among the professions means all of them.
 * `reset` puts every field back to intake's configuration.
 */
export function triggerPolicyFromForm(body: FormBody): Record<string, unknown> {
  if (field(body, 'reset') === 'configuration') {
    return { servedProfessions: null, outreachCategories: null, minHarmLevel: null, lawsuitKinds: null, cooldownHours: null };
  }
  const professions = checked(body, 'servedProfessions');
  const cooldown = field(body, 'cooldownHours');
  const submitted: Record<string, string[] | string | number> = {
    servedProfessions: professions.includes('all') ? ['all'] : professions,
    outreachCategories: checked(body, 'outreachCategories'),
    minHarmLevel: field(body, 'minHarmLevel') ?? '',
    lawsuitKinds: checked(body, 'lawsuitKinds'),
    // As typed when it is not a whole number, so intake's 422 names it.
    cooldownHours: cooldown !== undefined && /^\d{1,6}$/.test(cooldown) ? Number(cooldown) : (cooldown ?? ''),
  };
  return Object.fromEntries(Object.entries(submitted).filter(([name, value]) => {
    const shown = body[`shown.${name}`];
    return typeof shown !== 'string' || shown !== shownValue(value);
  }));
}
