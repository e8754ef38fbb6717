import { scheduleByDay, scheduleFromForm, supporterFromForm, triageAssignmentFromForm } from './forms';

describe('console forms', () => {
  it('turns the supporter form into the roster body: channels in order, console without an address, numbers as numbers', () => {
    const supporter = supporterFromForm({
      id: ' sup-9 ', displayName: 'Sam', profession: 'nursing', program: 'default', languages: 'en, es', timeZone: 'Europe/Paris', maxOpenCases: '3',
      trainingExpiresOn: '2027-01-31', channelKind0: 'sms', channelAddress0: '+15550001111', channelKind1: '', channelKind2: 'console', channelAddress2: 'ignored',
      acceptsCasesWhileResting: 'yes', recognitionConsent: 'yes', department: '',
    });
    expect(supporter).toEqual({
      id: 'sup-9', displayName: 'Sam', profession: 'nursing', program: 'default', languages: ['en', 'es'], timeZone: 'Europe/Paris', maxOpenCases: 3,
      acceptsCasesWhileResting: true, recognitionConsent: true, optedOut: false, status: 'active', trainingExpiresOn: '2027-01-31',
      channels: [{ kind: 'sms', address: '+15550001111' }, { kind: 'console', address: '' }],
    });
  });

  it('passes a capacity that is not a number through as typed, so matching names the field', () => {
    expect(supporterFromForm({ maxOpenCases: 'lots' }).maxOpenCases).toBe('lots');
  });

  it('keeps only the weekdays with a time, and a half-filled day as it is (matching refuses it by name)', () => {
    expect(scheduleFromForm({ timeZone: 'UTC', 'start-mon': '08:00', 'end-mon': '17:00', 'start-tue': '', 'end-tue': '', 'start-fri': '09:00' })).toEqual({
      timeZone: 'UTC',
      windows: [{ day: 'mon', start: '08:00', end: '17:00' }, { day: 'fri', start: '09:00', end: '' }],
    });
  });

  it('builds the triage assignment with the profession only when chosen', () => {
    expect(triageAssignmentFromForm({ system: 'urn:x', value: '42', profession: '' })).toEqual({ identifier: { system: 'urn:x', value: '42' } });
    expect(triageAssignmentFromForm({ system: 'urn:x', value: '42', profession: 'nursing' })).toEqual({ identifier: { system: 'urn:x', value: '42' }, profession: 'nursing' });
  });

  it('shows the stored schedule per weekday: whole days as 00:00–00:00, the first window of a day', () => {
    const byDay = scheduleByDay([{ day: 3, startMinute: 0, endMinute: 1440 }, { day: 1, startMinute: 1080, endMinute: 1440 }, { day: 1, startMinute: 480, endMinute: 1020 }]);
    expect(Object.fromEntries(byDay)).toEqual({ mon: { start: '08:00', end: '17:00' }, wed: { start: '00:00', end: '00:00' } });
  });
});
