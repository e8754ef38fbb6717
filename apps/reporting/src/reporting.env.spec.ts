import { ConfigValidationError, loadConfig } from '@harbor/config';
import { ReportingEnv } from './reporting.env';

describe('ReportingEnv', () => {
  it('reads the release schedule and the place vocabulary', () => {
    expect(loadConfig(ReportingEnv, {})).toMatchObject({
      REPORTING_RELEASE_DELAY_DAYS: 14,
      REPORTING_RELEASE_GRANULARITY: 'auto',
      REPORTING_FACILITIES: [],
      REPORTING_DEPARTMENTS: [],
    });
    expect(loadConfig(ReportingEnv, { REPORTING_FACILITIES: ' north , South-2,main.campus ', REPORTING_DEPARTMENTS: 'icu', REPORTING_RELEASE_GRANULARITY: 'quarter' })).toMatchObject({
      REPORTING_FACILITIES: ['north', 'South-2', 'main.campus'],
      REPORTING_DEPARTMENTS: ['icu'],
      REPORTING_RELEASE_GRANULARITY: 'quarter',
    });
  });

  it.each([
    ['REPORTING_FACILITIES', 'north,sec-col/a'],
    ['REPORTING_FACILITIES', 'other'],
    ['REPORTING_FACILITIES', '=HYPERLINK("x")'],
    ['REPORTING_DEPARTMENTS', 'icu,a:b'],
    ['REPORTING_DEPARTMENTS', 'Unspecified'],
    ['REPORTING_RELEASE_GRANULARITY', 'week'],
    ['REPORTING_RELEASE_DELAY_DAYS', '-1'],
    ['REPORTING_RELEASE_DELAY_DAYS', '400'],
  ])('stops on %s=%j and names it', (name, value) => {
    let error: unknown;
    try {
      loadConfig(ReportingEnv, { [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });
});
