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
