import { PROFESSION_GROUPS } from '@harbor/contracts';
import { professionGroupOf } from './profession-group';

describe('professionGroupOf', () => {
  it.each([
    ['physician', 'physician'],
    ['resident', 'physician'],
    ['surgeon', 'physician'],
    ['anesthesiologist', 'physician'],
    ['nurse', 'nursing'],
    ['nurse-practitioner', 'nursing'],
    ['midwife', 'nursing'],
    ['pharmacist', 'pharmacy'],
    ['therapist', 'allied-health'],
    ['technologist', 'allied-health'],
    ['paramedic', 'allied-health'],
  ])('maps %s to %s', (profession, group) => {
    expect(professionGroupOf(profession)).toBe(group);
  });

  it('ignores case', () => {
    expect(professionGroupOf('Nurse-Practitioner')).toBe('nursing');
    expect(professionGroupOf('SURGEON')).toBe('physician');
  });

  it.each([['chaplain'], ['social worker'], ['nurses']])('puts an unlisted profession (%s) in "other"', (profession) => {
    expect(professionGroupOf(profession)).toBe('other');
  });

  it('does not resolve inherited object properties as professions', () => {
    expect(professionGroupOf('constructor')).toBe('other');
    expect(professionGroupOf('toString')).toBe('other');
  });

  it.each([[null], [undefined], ['']])('gives no group for %p', (profession) => {
    expect(professionGroupOf(profession)).toBeUndefined();
  });

  it('only ever returns a group reporting knows', () => {
    for (const profession of ['physician', 'nurse', 'pharmacist', 'paramedic', 'unknown-role']) {
      expect(PROFESSION_GROUPS).toContain(professionGroupOf(profession));
    }
  });
});
