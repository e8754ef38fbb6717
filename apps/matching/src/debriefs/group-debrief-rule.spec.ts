import fc from 'fast-check';
import { ATTENDANCE_BANDS, GROUP_DEBRIEF_STATUSES } from '@harbor/contracts';
import { debriefDue, debriefOutcomeTransition, tallyMember, unitOf } from './group-debrief-rule';

describe('group debrief rules', () => {
  it('counts a clinician for the directory department, else the event department, case-insensitively', () => {
    expect(unitOf('ICU ', 'emergency')).toBe('icu');
    expect(unitOf(null, ' Emergency')).toBe('emergency');
    expect(unitOf('  ', 'ward-4')).toBe('ward-4');
    expect(unitOf(undefined, null)).toBeNull();
    expect(unitOf('', '')).toBeNull();
  });

  it('stores a clinician as a stable hash that never contains the key', () => {
    const key = 'matching:identifier:http://hl7.org/fhir/sid/us-npi|1234567893';
    expect(tallyMember(key)).toBe(tallyMember(key));
    expect(tallyMember(key)).not.toContain('1234567893');
    expect(tallyMember(key)).not.toBe(tallyMember('matching:identifier:http://hl7.org/fhir/sid/us-npi|1234567894'));
  });

  it('offers a debrief from the threshold on, never below it', () => {
    expect(debriefDue(2, 3)).toBe(false);
    expect(debriefDue(3, 3)).toBe(true);
    expect(debriefDue(4, 3)).toBe(true);
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 2, max: 50 }), (count, threshold) => debriefDue(count, threshold) === count >= threshold));
    // A threshold outside the setting's range never offers (a misconfiguration must not page for every pair).
    expect(debriefDue(10, 1)).toBe(false);
    expect(debriefDue(10, Number.NaN)).toBe(false);
  });

  it('counting distinct clinicians in any order with redeliveries offers exactly once, at the threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 30 }), fc.integer({ min: 2, max: 5 }), (arrivals, threshold) => {
        const tally = new Set<string>();
        let offers = 0;
        for (const clinician of arrivals) {
          const member = tallyMember(`matching:clinician:${clinician}`);
          if (tally.has(member)) continue; // a redelivery or a second identifier: the primary key keeps it once
          tally.add(member);
          if (debriefDue(tally.size, threshold) && offers === 0) offers++; // the unique constraint keeps it once
        }
        return offers === (new Set(arrivals).size >= threshold ? 1 : 0);
      }),
    );
  });

  it('closes an offered debrief as held with its band or as declined', () => {
    expect(debriefOutcomeTransition('offered', { outcome: 'held', attendanceBand: '5-9' })).toEqual({ status: 'held', attendanceBand: '5-9' });
    expect(debriefOutcomeTransition('offered', { outcome: 'declined' })).toEqual({ status: 'declined', attendanceBand: null });
  });

  it('names the field when the band does not fit the outcome, and refuses a second outcome', () => {
    expect(debriefOutcomeTransition('offered', { outcome: 'held' })).toMatchObject({ kind: 'invalid', field: 'attendanceBand' });
    expect(debriefOutcomeTransition('offered', { outcome: 'declined', attendanceBand: '2-4' })).toMatchObject({ kind: 'invalid', field: 'attendanceBand' });
    for (const status of GROUP_DEBRIEF_STATUSES.filter((s) => s !== 'offered')) {
      for (const band of ATTENDANCE_BANDS) expect(debriefOutcomeTransition(status, { outcome: 'held', attendanceBand: band })).toMatchObject({ kind: 'closed' });
      expect(debriefOutcomeTransition(status, { outcome: 'declined' })).toMatchObject({ kind: 'closed' });
    }
  });
});
