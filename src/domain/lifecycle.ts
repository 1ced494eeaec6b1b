import { isoDay } from './normalize';
import type { Attributes, LifecycleState } from './types';
import { dayInZone, isTimeZone, nextDay, startOfDayInZone } from './zoned-day';

/**
 * The day `now` falls on in the calendar the person's dates are written in: the `timeZone`
 * attribute (an IANA zone an HR source sets, e.g. Workday's tenant zone), else UTC. Start and end
 * dates are compared with this day, so a leaver loses access when their last day ends where they
 * work, not when it ends in UTC (hours later east of Greenwich).
 */
export function lifecycleDay(attributes: Attributes, now: Date): string {
  const zone = attributes.timeZone;
  return zone && isTimeZone(zone) ? dayInZone(now, zone) : isoDay(now);
}

/** lifecycleDay for one instant, remembering each zone's day: a run asks for every record it plans. */
export function lifecycleCalendar(now: Date): (attributes: Attributes) => string {
  const utc = isoDay(now);
  const days = new Map<string, string>();
  return (attributes) => {
    const zone = attributes.timeZone;
    if (!zone) return utc;
    let day = days.get(zone);
    if (day === undefined) {
      day = isTimeZone(zone) ? dayInZone(now, zone) : utc;
      days.set(zone, day);
    }
    return day;
  };
}

/** The instant an end date takes access away: the start of the day after it, in the person's zone. */
export function accessEndsAt(attributes: Attributes): Date | null {
  if (!attributes.endDate) return null;
  const zone = attributes.timeZone && isTimeZone(attributes.timeZone) ? attributes.timeZone : 'UTC';
  return startOfDayInZone(nextDay(attributes.endDate), zone);
}

/**
 * The state the merged attributes call for on `today` (yyyy-mm-dd). The end date is the last
 * working day, so access ends the day after it; a start date in the future, or a source that says
 * "prehire" outright, means prehire.
 * `gone` = missing from a complete authoritative export.
 */
export function lifecycleState(attributes: Attributes, today: string, gone: boolean): LifecycleState {
  if (gone || attributes.status === 'terminated') return 'terminated';
  if (attributes.endDate && attributes.endDate < today) return 'terminated';
  if (attributes.startDate && attributes.startDate > today) return 'prehire';
  if (attributes.status === 'prehire') return 'prehire';
  if (attributes.status === 'leave') return 'suspended';
  return 'active';
}

/** Whether a person in this state may sign in (what removals take away). */
export function hasAccess(state: LifecycleState): boolean {
  return state === 'active' || state === 'prehire';
}

/** Whether moving from `before` to `after` takes access away (what safety thresholds count). */
export function removesAccess(before: LifecycleState, after: LifecycleState): boolean {
  if (after === 'terminated') return before !== 'terminated';
  if (after === 'suspended') return before === 'active' || before === 'prehire';
  return false;
}

/** Whether moving from `before` to `after` gives access back (what reactivation limits count). */
export function restoresAccess(before: LifecycleState, after: LifecycleState): boolean {
  return after === 'active' && (before === 'suspended' || before === 'terminated');
}

/** The audit action of a state change. */
export function transitionAction(before: LifecycleState, after: LifecycleState): string {
  if (before === 'terminated') return 'identity.rehire';
  if (after === 'terminated') return 'identity.terminate';
  if (after === 'suspended') return 'identity.suspend';
  if (before === 'suspended') return 'identity.reactivate';
  return 'identity.activate';
}

/**
 * Whether the calendar alone may have moved an identity on `today`: its end date has passed, or it
 * is a prehire whose start date came. Stores answer it with an index so an unchanged run does not
 * load every identity to find the few (lifecycleState decides the actual new state).
 */
export function dateTransitionDue(state: LifecycleState, attributes: Attributes, today: string): boolean {
  if (state === 'terminated') return false;
  if (attributes.endDate && attributes.endDate < today) return true;
  return state === 'prehire' && (!attributes.startDate || attributes.startDate <= today);
}
