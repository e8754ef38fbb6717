import { HARM_LEVELS, HarmLevel } from '@harbor/contracts';
import { ClinicianFacts, decideClinicianOutreach, decideIncidentOutreach, decideTriggerOutreach, effectiveTriggerPolicy, TriggerPolicy } from './outreach-policy';

describe('decideIncidentOutreach', () => {
  // Spelled out rather than derived from HARM_LEVELS' order, so a reordering of the vocabulary is caught.
  const SEVERITY: Record<HarmLevel, number> = { none: 0, mild: 1, moderate: 2, severe: 3, death: 4 };

  it('knows every harm level', () => {
    expect([...HARM_LEVELS].sort()).toEqual(Object.keys(SEVERITY).sort());
  });

  const pairs = HARM_LEVELS.flatMap((harmLevel) => HARM_LEVELS.map((minHarmLevel) => [harmLevel, minHarmLevel] as const));

  it.each(pairs)('harm %s with threshold %s', (harmLevel, minHarmLevel) => {
    const expected = SEVERITY[harmLevel] >= SEVERITY[minHarmLevel] ? 'outreach' : 'below-harm-threshold';
    expect(decideIncidentOutreach(harmLevel, { minHarmLevel })).toBe(expected);
  });

  it('under the default threshold (mild) records near misses only', () => {
    const outreach = HARM_LEVELS.filter((level) => decideIncidentOutreach(level, { minHarmLevel: 'mild' }) === 'outreach');
    expect(outreach).toEqual(['mild', 'moderate', 'severe', 'death']);
  });

  it('a threshold of none reaches out for everything; a threshold of death only for deaths', () => {
    expect(HARM_LEVELS.every((level) => decideIncidentOutreach(level, { minHarmLevel: 'none' }) === 'outreach')).toBe(true);
    expect(HARM_LEVELS.filter((level) => decideIncidentOutreach(level, { minHarmLevel: 'death' }) === 'outreach')).toEqual(['death']);
  });
});

describe('decideTriggerOutreach', () => {
  const policy: TriggerPolicy = {
    minHarmLevel: 'mild',
    outreachCategories: ['medication-error', 'unexpected-death', 'staff-assault'],
    lawsuitKinds: ['lawsuit', 'notice-of-intent'],
    servedProfessions: ['all'],
  };

  it('incidents: category first, then harm', () => {
    expect(decideTriggerOutreach({ kind: 'incident', category: 'medication-error', harmLevel: 'mild' }, policy)).toBe('outreach');
    expect(decideTriggerOutreach({ kind: 'incident', category: 'medication-error', harmLevel: 'none' }, policy)).toBe('below-harm-threshold');
    expect(decideTriggerOutreach({ kind: 'incident', category: 'fall-with-harm', harmLevel: 'death' }, policy)).toBe('category-excluded');
    expect(decideTriggerOutreach({ kind: 'incident', category: 'medication-error', harmLevel: null }, policy)).toBe('below-harm-threshold');
  });

  it('claim notices reach out whatever the harm, for the configured kinds only', () => {
    expect(decideTriggerOutreach({ kind: 'lawsuit', category: 'lawsuit' }, policy)).toBe('outreach');
    expect(decideTriggerOutreach({ kind: 'lawsuit', category: 'deposition' }, policy)).toBe('kind-excluded');
  });

  it('referrals always; a withdrawn trigger never', () => {
    expect(decideTriggerOutreach({ kind: 'referral', category: 'self-referral' }, policy)).toBe('outreach');
    expect(decideTriggerOutreach({ kind: 'referral', category: 'colleague-referral', withdrawn: true }, policy)).toBe('withdrawn');
    expect(decideTriggerOutreach({ kind: 'incident', category: 'unexpected-death', harmLevel: 'death', withdrawn: true }, policy)).toBe('withdrawn');
  });
});

describe('decideClinicianOutreach', () => {
  const policy: TriggerPolicy = { minHarmLevel: 'mild', outreachCategories: [], lawsuitKinds: [], servedProfessions: ['physician'] };
  const plain: ClinicianFacts = { optedOut: false, recentlyRequested: false, selfReferral: false };

  it('keeps the trigger decision when it is not outreach', () => {
    expect(decideClinicianOutreach('below-harm-threshold', { ...plain, selfReferral: true }, policy)).toBe('below-harm-threshold');
  });

  it('who is served applies only when the profession is known', () => {
    expect(decideClinicianOutreach('outreach', { ...plain, profession: 'nursing' }, policy)).toBe('not-served');
    expect(decideClinicianOutreach('outreach', { ...plain, profession: 'physician' }, policy)).toBe('outreach');
    expect(decideClinicianOutreach('outreach', plain, policy)).toBe('outreach');
    expect(decideClinicianOutreach('outreach', { ...plain, profession: 'nursing' }, { ...policy, servedProfessions: ['all'] })).toBe('outreach');
  });

  it('opt-out and cooldown hold back proactive outreach but never a self-referral', () => {
    expect(decideClinicianOutreach('outreach', { ...plain, optedOut: true }, policy)).toBe('opted-out');
    expect(decideClinicianOutreach('outreach', { ...plain, recentlyRequested: true }, policy)).toBe('absorbed');
    expect(decideClinicianOutreach('outreach', { ...plain, optedOut: true, recentlyRequested: true }, policy)).toBe('opted-out');
    expect(decideClinicianOutreach('outreach', { ...plain, optedOut: true, recentlyRequested: true, selfReferral: true }, policy)).toBe('outreach');
  });
});

describe('effectiveTriggerPolicy', () => {
  const defaults = { minHarmLevel: 'mild', outreachCategories: ['medication-error'], lawsuitKinds: ['lawsuit'], servedProfessions: ['all'], cooldownHours: 72 } as const;

  it('is the defaults when nothing is overridden', () => {
    expect(effectiveTriggerPolicy(defaults, {})).toEqual({ ...defaults, overridden: [] });
  });

  it('lets each overridden field win whole, and says which ones', () => {
    const policy = effectiveTriggerPolicy(defaults, { minHarmLevel: 'severe', outreachCategories: [], cooldownHours: 0 });
    expect(policy).toEqual({ ...defaults, minHarmLevel: 'severe', outreachCategories: [], cooldownHours: 0, overridden: ['outreachCategories', 'minHarmLevel', 'cooldownHours'] });
  });
});
