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

  it('waits for bigger fetches than the services on the page path, and still bounds the setting', () => {
    expect(loadConfig(ReportingEnv, {}).KAFKA_FETCH_MIN_BYTES).toBe(65_536);
    expect(loadConfig(ReportingEnv, { KAFKA_FETCH_MIN_BYTES: '1' }).KAFKA_FETCH_MIN_BYTES).toBe(1);
  });

  it.each([
    ['KAFKA_FETCH_MIN_BYTES', '0'],
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
