import { HARM_LEVELS, HarmLevel } from '@harbor/contracts';
import { decideIncidentOutreach } from './outreach-policy';

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
