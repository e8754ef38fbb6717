import { CASE_STATUSES, CaseStatus } from '@harbor/contracts';
import { clinicianLockKey, isSelfReferral, shouldAbsorb } from './absorption';

const incident = { trigger: { kind: 'incident' as const, category: 'medication-error' as const } };
const lawsuit = { trigger: { kind: 'lawsuit' as const, category: 'deposition' as const } };
const selfReferral = { trigger: { kind: 'referral' as const, category: 'self-referral' as const } };
const colleagueReferral = { trigger: { kind: 'referral' as const, category: 'colleague-referral' as const } };

describe('shouldAbsorb', () => {
  it('opens a case when the clinician has none', () => {
    expect(shouldAbsorb(incident, undefined)).toBe(false);
  });

  it('absorbs into every status in which a case is still open', () => {
    const open: CaseStatus[] = ['requested', 'unresolved', 'offered', 'accepted', 'contacted', 'follow-up', 'escalated'];
    for (const status of open) expect([status, shouldAbsorb(incident, { status })]).toEqual([status, true]);
  });

  it('opens a new case once the previous one is closed or declined by the clinician', () => {
    expect(shouldAbsorb(incident, { status: 'closed' })).toBe(false);
    expect(shouldAbsorb(incident, { status: 'declined-by-clinician' })).toBe(false);
  });

  it('covers every case status: only the two final ones let a new case open', () => {
    const opening = CASE_STATUSES.filter((status) => !shouldAbsorb(incident, { status }));
    expect(opening).toEqual(['declined-by-clinician', 'closed']);
  });

  it('absorbs claim notices and colleague referrals like incidents', () => {
    expect(shouldAbsorb(lawsuit, { status: 'accepted' })).toBe(true);
    expect(shouldAbsorb(colleagueReferral, { status: 'offered' })).toBe(true);
  });

  it('never absorbs a self-referral: an explicit ask for help opens its own case', () => {
    for (const status of CASE_STATUSES) expect(shouldAbsorb(selfReferral, { status })).toBe(false);
  });
});

describe('isSelfReferral', () => {
  it('is a referral with category self-referral, nothing else', () => {
    expect(isSelfReferral(selfReferral.trigger)).toBe(true);
    expect(isSelfReferral(colleagueReferral.trigger)).toBe(false);
    expect(isSelfReferral({ kind: 'incident', category: 'self-referral' })).toBe(false);
  });
});

describe('clinicianLockKey', () => {
  const npi = { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' };
  const employee = { system: 'urn:acme:employee', value: 'E-1' };

  it('locks a known clinician by directory id, whatever identifier the request used', () => {
    const id = '6f1c2a52-7a43-4f63-9a55-2b8f1f1a0c11';
    expect(clinicianLockKey(id, npi)).toBe(clinicianLockKey(id, employee));
    expect(clinicianLockKey(id, npi)).toBe(`matching:clinician:${id}`);
  });

  it('locks an unknown clinician by the identifier as received', () => {
    expect(clinicianLockKey(null, npi)).toBe('matching:identifier:http://hl7.org/fhir/sid/us-npi|1234567893');
    expect(clinicianLockKey(null, npi)).not.toBe(clinicianLockKey(null, employee));
  });
});
