import { parseSelfReferralForm, triageText } from './self-referral-form';

describe('parseSelfReferralForm', () => {
  const fieldsOf = (body: unknown) => {
    const parsed = parseSelfReferralForm(body);
    return parsed.ok ? [] : parsed.problems.map((problem) => problem.field);
  };

  it('takes a staff ID alone, or a name with a phone or an email', () => {
    expect(parseSelfReferralForm({ referredBy: 'self', staffId: ' E-1001 ', name: '', token: 'x' })).toMatchObject({
      ok: true, form: { referredBy: 'self', person: { staffId: 'E-1001' } },
    });
    expect(parseSelfReferralForm({ referredBy: 'colleague', name: 'Dr Pat Example', email: 'pat@hospital.org', department: 'icu' })).toMatchObject({
      ok: true, form: { referredBy: 'colleague', person: { name: 'Dr Pat Example', email: 'pat@hospital.org' }, department: 'icu' },
    });
    expect(parseSelfReferralForm({ referredBy: 'self', name: 'Sam', phone: '+1 (555) 010-2000' }).ok).toBe(true);
  });

  it('names each field that is missing or wrong', () => {
    expect(fieldsOf({})).toEqual(['referredBy', 'name', 'phone']);
    expect(fieldsOf({ referredBy: 'manager', staffId: 'E 1' })).toEqual(['referredBy', 'staffId']);
    expect(fieldsOf({ referredBy: 'self', name: 'Sam', phone: '12', email: 'sam@' })).toEqual(['phone', 'email']);
    expect(fieldsOf({ referredBy: 'self', name: 'Sam' })).toEqual(['phone']);
    expect(fieldsOf({ referredBy: 'self', phone: '5550102000' })).toEqual(['name']);
    expect(fieldsOf({ referredBy: ['self', 'colleague'], staffId: 'E-1' })).toEqual(['referredBy']);
    expect(fieldsOf({ referredBy: 'self', staffId: 'E-1', department: 'x'.repeat(101) })).toEqual(['department']);
    expect(fieldsOf({ referredBy: 'self', name: 'Sam\u0000', phone: '5550102000' })).toEqual(['name']);
    expect(fieldsOf('referredBy=self')).toEqual(['referredBy', 'name', 'phone']);
  });

  it('writes what a triage item shows staff', () => {
    expect(triageText({ name: 'Dr Pat', phone: '+1 555 010 2000', email: 'pat@hospital.org' })).toBe('Dr Pat; phone +1 555 010 2000; email pat@hospital.org');
    expect(triageText({ name: 'Dr Pat', email: 'pat@hospital.org' })).toBe('Dr Pat; email pat@hospital.org');
  });
});
