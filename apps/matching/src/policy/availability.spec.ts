import { localWeekMinute, toWeeklyWindows, unavailabilityAt } from './availability';

const always = { timeZone: 'UTC', windows: [], unavailable: [] };

describe('availability', () => {
  describe('localWeekMinute', () => {
    it('reads the weekday and minute in the supporter\'s time zone', () => {
      // Monday 2026-11-30 03:30 UTC is Sunday 21:30 in Chicago (CST, UTC-6).
      expect(localWeekMinute(new Date('2026-11-30T03:30:00Z'), 'America/Chicago')).toEqual({ day: 7, minute: 21 * 60 + 30 });
      expect(localWeekMinute(new Date('2026-11-30T03:30:00Z'), 'UTC')).toEqual({ day: 1, minute: 3 * 60 + 30 });
    });

    it('follows daylight saving time', () => {
      // 14:00 UTC is 10:00 in New York in July (EDT) and 09:00 in January (EST).
      expect(localWeekMinute(new Date('2026-07-15T14:00:00Z'), 'America/New_York').minute).toBe(600);
      expect(localWeekMinute(new Date('2026-01-15T14:00:00Z'), 'America/New_York').minute).toBe(540);
    });

    it('reports midnight as minute 0, not 24:00', () => {
      expect(localWeekMinute(new Date('2026-11-30T00:00:00Z'), 'UTC')).toEqual({ day: 1, minute: 0 });
    });
  });

  describe('unavailabilityAt', () => {
    const weekdayDays = { timeZone: 'America/Chicago', windows: [1, 2, 3, 4, 5].map((day) => ({ day, startMinute: 8 * 60, endMinute: 17 * 60 })), unavailable: [] };

    it('treats a supporter without a schedule as always on call', () => {
      expect(unavailabilityAt(always, new Date('2026-11-29T03:00:00Z'))).toBeUndefined();
    });

    it('is available inside a window and off-schedule outside it, in local time', () => {
      // Tuesday 2026-12-01 15:00 UTC = 09:00 Chicago → on call; 23:30 UTC = 17:30 Chicago → off.
      expect(unavailabilityAt(weekdayDays, new Date('2026-12-01T15:00:00Z'))).toBeUndefined();
      expect(unavailabilityAt(weekdayDays, new Date('2026-12-01T23:30:00Z'))).toBe('off-schedule');
      // Saturday 15:00 UTC → off.
      expect(unavailabilityAt(weekdayDays, new Date('2026-12-05T15:00:00Z'))).toBe('off-schedule');
    });

    it('treats the window start as inclusive and its end as exclusive', () => {
      expect(unavailabilityAt(weekdayDays, new Date('2026-12-01T14:00:00Z'))).toBeUndefined(); // 08:00 local
      expect(unavailabilityAt(weekdayDays, new Date('2026-12-01T23:00:00Z'))).toBe('off-schedule'); // 17:00 local
    });

    it('puts ad-hoc unavailability before the schedule', () => {
      const away = { ...weekdayDays, unavailable: [{ startsAt: new Date('2026-12-01T00:00:00Z'), endsAt: new Date('2026-12-02T00:00:00Z') }] };
      expect(unavailabilityAt(away, new Date('2026-12-01T15:00:00Z'))).toBe('unavailable-ad-hoc');
      expect(unavailabilityAt(away, new Date('2026-12-02T15:00:00Z'))).toBeUndefined(); // the period has ended (end exclusive)
      expect(unavailabilityAt({ ...always, unavailable: away.unavailable }, new Date('2026-12-01T23:59:59Z'))).toBe('unavailable-ad-hoc');
    });
  });

  describe('toWeeklyWindows', () => {
    it('keeps a same-day window', () => {
      expect(toWeeklyWindows([{ day: 2, start: '08:00', end: '17:30' }])).toEqual([{ day: 2, startMinute: 480, endMinute: 1050 }]);
    });

    it('splits an overnight window at midnight, Sunday night running into Monday', () => {
      expect(toWeeklyWindows([{ day: 7, start: '22:00', end: '06:00' }])).toEqual([
        { day: 7, startMinute: 1320, endMinute: 1440 },
        { day: 1, startMinute: 0, endMinute: 360 },
      ]);
    });

    it('reads an end of 00:00 or 24:00 as the end of the day', () => {
      expect(toWeeklyWindows([{ day: 3, start: '18:00', end: '00:00' }])).toEqual([{ day: 3, startMinute: 1080, endMinute: 1440 }]);
      expect(toWeeklyWindows([{ day: 3, start: '00:00', end: '24:00' }])).toEqual([{ day: 3, startMinute: 0, endMinute: 1440 }]);
    });
  });
});
