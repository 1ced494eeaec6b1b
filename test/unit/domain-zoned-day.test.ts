// Days in a time zone (Intl) and the lifecycle reading end and start dates as days of the
// person's zone: access ends when the last day is over where they work, not in UTC.
import { accessEndsAt, lifecycleCalendar, lifecycleDay, lifecycleState } from '../../src/domain/lifecycle';
import { dayInZone, isTimeZone, latestDayAnywhere, nextDay, startOfDayInZone } from '../../src/domain/zoned-day';
import { ManualClock } from '../../src/ports/clock';

describe('days in a time zone', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Australia/Sydney')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('gives the wall-calendar day of an instant', () => {
    const at = new Date('2026-01-15T13:30:00Z');
    expect(dayInZone(at, 'Australia/Sydney')).toBe('2026-01-16'); // +11 in January
    expect(dayInZone(at, 'UTC')).toBe('2026-01-15');
    expect(dayInZone(new Date('2026-01-16T07:59:00Z'), 'America/Los_Angeles')).toBe('2026-01-15');
    expect(dayInZone(new Date('2026-01-16T08:00:00Z'), 'America/Los_Angeles')).toBe('2026-01-16');
  });

  it('finds the instant a day begins, across DST and where midnight does not exist', () => {
    expect(startOfDayInZone('2026-01-16', 'Australia/Sydney').toISOString()).toBe('2026-01-15T13:00:00.000Z');
    expect(startOfDayInZone('2026-07-16', 'Australia/Sydney').toISOString()).toBe('2026-07-15T14:00:00.000Z'); // +10 in winter
    expect(startOfDayInZone('2026-03-08', 'America/Los_Angeles').toISOString()).toBe('2026-03-08T08:00:00.000Z'); // DST starts at 02:00
    expect(startOfDayInZone('2026-03-09', 'America/Los_Angeles').toISOString()).toBe('2026-03-09T07:00:00.000Z');
    // São Paulo moved clocks from 00:00 to 01:00 on 2018-11-04: the day began at 01:00 local (03:00 UTC)
    expect(startOfDayInZone('2018-11-04', 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });

  it('bounds the latest day shown anywhere (UTC+14)', () => {
    expect(latestDayAnywhere(new Date('2026-01-15T09:59:00Z'))).toBe('2026-01-15');
    expect(latestDayAnywhere(new Date('2026-01-15T10:00:00Z'))).toBe('2026-01-16');
  });
});

describe('lifecycle in the person\'s zone', () => {
  const leaver = { status: 'active', endDate: '2026-01-15', timeZone: 'Australia/Sydney' };

  it('terminates a Sydney leaver when their last day ends in Sydney, 11 hours before UTC midnight', () => {
    const clock = new ManualClock(new Date('2026-01-15T12:59:59Z')); // 23:59:59 on the last day in Sydney
    expect(lifecycleState(leaver, lifecycleDay(leaver, clock.now()), false)).toBe('active');
    clock.advance(1000); // 00:00 on the 16th in Sydney; still the 15th in UTC
    expect(lifecycleDay(leaver, clock.now())).toBe('2026-01-16');
    expect(lifecycleState(leaver, lifecycleDay(leaver, clock.now()), false)).toBe('terminated');
    // what UTC alone would have said at that instant: the leaver kept access for 11 more hours
    expect(lifecycleState({ status: 'active', endDate: '2026-01-15' }, lifecycleDay({}, clock.now()), false)).toBe('active');
    expect(accessEndsAt(leaver)?.toISOString()).toBe('2026-01-15T13:00:00.000Z');
  });

  it('keeps a Los Angeles worker through their whole last day, though UTC has moved on', () => {
    const la = { ...leaver, timeZone: 'America/Los_Angeles' };
    const clock = new ManualClock(new Date('2026-01-16T07:59:00Z')); // 23:59 on the 15th in LA
    expect(lifecycleState(la, lifecycleDay(la, clock.now()), false)).toBe('active');
    clock.advance(60_000);
    expect(lifecycleState(la, lifecycleDay(la, clock.now()), false)).toBe('terminated');
    expect(accessEndsAt(la)?.toISOString()).toBe('2026-01-16T08:00:00.000Z');
  });

  it('starts a prehire on their first day in their zone, and falls back to UTC for an unknown zone', () => {
    const starter = { status: 'active', startDate: '2026-01-16', timeZone: 'Australia/Sydney' };
    expect(lifecycleState(starter, lifecycleDay(starter, new Date('2026-01-15T12:59:00Z')), false)).toBe('prehire');
    expect(lifecycleState(starter, lifecycleDay(starter, new Date('2026-01-15T13:00:00Z')), false)).toBe('active');
    expect(lifecycleDay({ timeZone: 'Nowhere/Else' }, new Date('2026-01-15T23:00:00Z'))).toBe('2026-01-15');
  });
});

describe('lifecycleCalendar', () => {
  it('gives the same days as lifecycleDay for one instant, per zone', () => {
    const now = new Date('2026-01-15T13:30:00Z');
    const dayOf = lifecycleCalendar(now);
    for (const timeZone of ['Australia/Sydney', 'America/Los_Angeles', 'UTC', 'Nowhere/Else']) {
      expect(dayOf({ timeZone })).toBe(lifecycleDay({ timeZone }, now));
    }
    expect(dayOf({})).toBe('2026-01-15');
    expect(dayOf({ timeZone: 'Australia/Sydney' })).toBe('2026-01-16');
  });
});
