import { z } from 'zod';
import { addDays, dayOfWeek } from '../all-day';
import { dateInZone } from '../time-zones';
import { allOccurrences, expandOccurrences, occurrenceOnDate, type SeriesDefinition } from './expand';
import { occurrenceKeyOf } from './occurrence-key';
import { formatRRule, parseRRule, type RRuleParts, sortWeekdays, type Weekday, WEEKDAYS } from './rrule-body';
import { anchorFromTiming, anchorOnDate, type SeriesAnchor } from './series-anchor';
import type { Timing } from '../canonical-event';
import { endDateForUntil, untilForEndDate } from './until';

/**
 * NetSuite calendar-event recurrence (SOAP / SuiteScript fields: frequency, period,
 * recurrenceDowMaskList, recurrenceDow, recurrenceDowim, seriesStartDate, endByDate, noEndDate,
 * exclusionDateList; REST record v1 does not expose them). Values are kept without SOAP's leading
 * underscore; the NetSuite client maps them to its transport.
 *
 * Assumed semantics (NetSuite documents none of them precisely; see docs/adr/0003-planner.md):
 * - monthly/yearly "by date" repeat the seriesStartDate's day (and month); we only emit days ≤ 28
 *   (or a day every year has), so NetSuite's unknown short-month rule never applies;
 * - relative yearly uses the seriesStartDate's month;
 * - weeks start on Sunday when period > 1;
 * - endByDate is inclusive, like Graph's endDate; there is no occurrence count.
 */

const NS_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type NetSuiteDow = (typeof NS_DAYS)[number];
const NS_DOWIM = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type NetSuiteDowim = (typeof NS_DOWIM)[number];
const NS_FREQUENCIES = ['none', 'day', 'week', 'month', 'year'] as const;
export type NetSuiteFrequency = (typeof NS_FREQUENCIES)[number];

/** Accepts `_monday`, `MONDAY`, `monday`, `{ id: "MONDAY" }` alike. */
function nsEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((raw) => {
    const value = typeof raw === 'object' && raw !== null && 'id' in raw ? raw.id : raw;
    return typeof value === 'string' ? value.trim().replace(/^_/, '').toLowerCase() : value;
  }, z.enum(values));
}

export const netSuiteRecurrenceSchema = z.object({
  frequency: nsEnum(NS_FREQUENCIES),
  period: z.number().int().min(1).default(1),
  recurrenceDowMaskList: z.array(nsEnum(NS_DAYS)).default([]),
  recurrenceDow: nsEnum(NS_DAYS).optional(),
  recurrenceDowim: nsEnum(NS_DOWIM).optional(),
  seriesStartDate: z.iso.date(),
  endByDate: z.iso.date().optional(),
  noEndDate: z.boolean().default(false),
  exclusionDateList: z.array(z.iso.date()).default([]),
});

export type NetSuiteRecurrence = z.output<typeof netSuiteRecurrenceSchema>;

const DOWIM_ORDINAL: Readonly<Record<NetSuiteDowim, number>> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

function dowimOf(n: number): NetSuiteDowim | undefined {
  return (Object.entries(DOWIM_ORDINAL) as [NetSuiteDowim, number][]).find(([, v]) => v === n)?.[0];
}

const toWeekday = (d: NetSuiteDow): Weekday => WEEKDAYS[NS_DAYS.indexOf(d)] ?? 'SU';
const toNsDay = (d: Weekday): NetSuiteDow => NS_DAYS[WEEKDAYS.indexOf(d)] ?? 'sunday';

export type ToNetSuiteResult =
  | { readonly ok: true; readonly recurrence: NetSuiteRecurrence }
  | { readonly ok: false; readonly notRepresentable: true; readonly reason: string };

function notRepresentable(reason: string): ToNetSuiteResult {
  return { ok: false, notRepresentable: true, reason };
}

/** A single weekday with an ordinal, written either as BYDAY=2MO or BYDAY=MO;BYSETPOS=2. */
function singleRelativeDay(rule: RRuleParts): { weekday: Weekday; n: number } | undefined {
  if (rule.byMonthDay.length > 0 || rule.byDay.length !== 1) return undefined;
  const day = rule.byDay[0];
  if (!day) return undefined;
  if (rule.bySetPos.length === 0) return day.n !== undefined ? { weekday: day.weekday, n: day.n } : undefined;
  return day.n === undefined && rule.bySetPos.length === 1
    ? { weekday: day.weekday, n: rule.bySetPos[0] ?? 0 }
    : undefined;
}

function daysInMonthEveryYear(month: number): number {
  if (month === 2) return 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export interface ToNetSuiteOptions {
  /** Original starts (occurrence keys) of cancelled occurrences. */
  readonly exdates?: readonly string[];
  /** Timed series: occurrence length in ms; all-day: days. Only used to find the occurrences. */
  readonly duration?: number;
}

/**
 * RRULE → NetSuite recurrence fields. NetSuite starts the series on its first occurrence, so
 * seriesStartDate is the first date the rule produces (not necessarily the anchor's date).
 * Returns `notRepresentable` for patterns NetSuite has no fields for; the caller then writes
 * the occurrences as single events.
 */
export function rruleToNetSuite(body: string, anchor: SeriesAnchor, options: ToNetSuiteOptions = {}): ToNetSuiteResult {
  const parsed = parseRRule(body);
  if (!parsed.ok) return notRepresentable(parsed.error);
  const rule = parsed.rule;
  const series: SeriesDefinition = { rrule: body, anchor, duration: options.duration ?? (anchor.allDay ? 1 : 0) };
  const first = firstOccurrenceDate(series);
  if (first === undefined) return notRepresentable('the rule produces no occurrence');
  const month = Number(first.slice(5, 7));
  const day = Number(first.slice(8, 10));
  const base = {
    period: rule.interval,
    recurrenceDowMaskList: [] as NetSuiteDow[],
    seriesStartDate: first,
    noEndDate: false,
    exclusionDateList: [] as string[],
  };
  let recurrence: NetSuiteRecurrence;
  const plainDays = rule.byDay.every((d) => d.n === undefined);

  switch (rule.freq) {
    case 'DAILY':
      if (rule.byMonth.length > 0 || rule.byMonthDay.length > 0 || rule.bySetPos.length > 0) {
        return notRepresentable('daily rule with month, month-day or set-position parts');
      }
      if (rule.byDay.length === 0) recurrence = { ...base, frequency: 'day' };
      else if (rule.interval === 1 && plainDays) {
        recurrence = {
          ...base,
          frequency: 'week',
          recurrenceDowMaskList: sortWeekdays(rule.byDay.map((d) => d.weekday)).map(toNsDay),
        };
      } else return notRepresentable('daily rule with weekdays and an interval');
      break;
    case 'WEEKLY': {
      if (rule.byMonth.length > 0 || rule.byMonthDay.length > 0 || rule.bySetPos.length > 0 || !plainDays) {
        return notRepresentable('weekly rule with month, month-day, set-position or ordinal day parts');
      }
      const days = rule.byDay.length > 0 ? rule.byDay.map((d) => d.weekday) : [WEEKDAYS[dayOfWeek(first)] ?? 'SU'];
      if (rule.interval > 1 && new Set(days).size > 1 && (rule.wkst ?? 'MO') !== 'SU') {
        return notRepresentable('every-n-weeks rule on several days with a week that does not start on Sunday');
      }
      recurrence = { ...base, frequency: 'week', recurrenceDowMaskList: sortWeekdays(days).map(toNsDay) };
      break;
    }
    case 'MONTHLY': {
      if (rule.byMonth.length > 0) return notRepresentable('monthly rule with BYMONTH');
      if (rule.byDay.length > 0) {
        const relative = singleRelativeDay(rule);
        const dowim = relative ? dowimOf(relative.n) : undefined;
        if (!relative || !dowim) return notRepresentable('monthly rule with a weekday set NetSuite cannot express');
        recurrence = { ...base, frequency: 'month', recurrenceDow: toNsDay(relative.weekday), recurrenceDowim: dowim };
      } else {
        const byDay = rule.byMonthDay;
        if (byDay.length > 1 || rule.bySetPos.length > 0) return notRepresentable('monthly rule on several month days');
        if ((byDay[0] ?? day) !== day || day > 28) {
          return notRepresentable('monthly rule on a day some months lack');
        }
        recurrence = { ...base, frequency: 'month' };
      }
      break;
    }
    case 'YEARLY': {
      if (rule.byMonth.length > 1) return notRepresentable('yearly rule with several months');
      if ((rule.byMonth[0] ?? month) !== month)
        return notRepresentable("yearly rule whose month is not the first occurrence's");
      if (rule.byDay.length > 0) {
        const relative = singleRelativeDay(rule);
        const dowim = relative ? dowimOf(relative.n) : undefined;
        if (!relative || !dowim || rule.byMonth.length === 0) {
          return notRepresentable('yearly rule with a weekday set NetSuite cannot express');
        }
        recurrence = { ...base, frequency: 'year', recurrenceDow: toNsDay(relative.weekday), recurrenceDowim: dowim };
      } else {
        const byDay = rule.byMonthDay;
        if (byDay.length > 1 || rule.bySetPos.length > 0) return notRepresentable('yearly rule on several days');
        if ((byDay[0] ?? day) !== day || day > daysInMonthEveryYear(month)) {
          return notRepresentable('yearly rule on a day some years lack');
        }
        recurrence = { ...base, frequency: 'year' };
      }
      break;
    }
  }

  if (rule.count !== undefined) {
    const all = allOccurrences({ ...series, exdates: [] }, { limit: rule.count });
    const last = all.ok ? all.occurrences[all.occurrences.length - 1] : undefined;
    if (!last) return notRepresentable('could not find the last occurrence of a counted rule');
    recurrence = { ...recurrence, endByDate: localDate(last.key, anchor) };
  } else if (rule.until !== undefined) {
    recurrence = { ...recurrence, endByDate: endDateForUntil(rule.until, anchor) };
  } else {
    recurrence = { ...recurrence, noEndDate: true };
  }
  const exclusions = (options.exdates ?? []).map((key) => localDate(occurrenceKeyOf(key, anchor.allDay), anchor));
  return { ok: true, recurrence: { ...recurrence, exclusionDateList: [...new Set(exclusions)].sort() } };
}

function localDate(key: string, anchor: SeriesAnchor): string {
  return anchor.allDay || key.length === 10 ? key.slice(0, 10) : dateInZone(key, anchor.timeZone);
}

function firstOccurrenceDate(series: SeriesDefinition): string | undefined {
  const from = series.anchor.start.slice(0, 10);
  // Every rule we accept repeats within 4 years (Feb 29 yearly is rejected), plus intervals.
  const parsed = parseRRule(series.rrule);
  const years = 4 * (parsed.ok ? parsed.rule.interval : 1) + 1;
  const to = addDays(from, years * 366);
  const found = expandOccurrences(
    { ...series, exdates: [] },
    { start: `${addDays(from, -1)}T00:00:00.000Z`, end: `${to}T00:00:00.000Z` },
    { limit: 3 }
  );
  const hit = found.ok ? found.occurrences.find((o) => localDate(o.key, series.anchor) >= from) : undefined;
  return hit ? localDate(hit.key, series.anchor) : undefined;
}

export type FromNetSuiteResult =
  | {
      readonly ok: true;
      readonly rrule: string;
      readonly anchor: SeriesAnchor;
      /** Occurrence keys of the excluded dates. */
      readonly exdates: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

export interface FromNetSuiteOptions {
  /** Local start time of each occurrence (`HH:mm[:ss]`); omit for all-day events. */
  readonly startTime?: string;
  /** The event's IANA zone. */
  readonly timeZone: string;
}

/** NetSuite recurrence fields → RRULE body, anchor and exdates. */
export function netSuiteToRrule(recurrence: NetSuiteRecurrence, options: FromNetSuiteOptions): FromNetSuiteResult {
  const allDay = options.startTime === undefined;
  const time = allDay ? '' : `T${(options.startTime ?? '00:00').padEnd(8, ':00').slice(0, 8)}`;
  const anchor: SeriesAnchor = { start: `${recurrence.seriesStartDate}${time}`, timeZone: options.timeZone, allDay };
  const month = Number(recurrence.seriesStartDate.slice(5, 7));
  const day = Number(recurrence.seriesStartDate.slice(8, 10));
  const empty = { interval: recurrence.period, byDay: [], byMonthDay: [], byMonth: [], bySetPos: [] };
  const relative = (): RRuleParts['byDay'] | undefined =>
    recurrence.recurrenceDow !== undefined && recurrence.recurrenceDowim !== undefined
      ? [{ weekday: toWeekday(recurrence.recurrenceDow), n: DOWIM_ORDINAL[recurrence.recurrenceDowim] }]
      : undefined;
  let rule: RRuleParts;
  switch (recurrence.frequency) {
    case 'none':
      return { ok: false, error: 'the event does not recur' };
    case 'day':
      rule = { ...empty, freq: 'DAILY' };
      break;
    case 'week': {
      const days =
        recurrence.recurrenceDowMaskList.length > 0
          ? recurrence.recurrenceDowMaskList.map(toWeekday)
          : [WEEKDAYS[dayOfWeek(recurrence.seriesStartDate)] ?? 'SU'];
      rule = { ...empty, freq: 'WEEKLY', byDay: sortWeekdays(days).map((weekday) => ({ weekday })), wkst: 'SU' };
      break;
    }
    case 'month': {
      const byDay = relative();
      rule = byDay ? { ...empty, freq: 'MONTHLY', byDay } : { ...empty, freq: 'MONTHLY', byMonthDay: [day] };
      break;
    }
    case 'year': {
      const byDay = relative();
      rule = byDay
        ? { ...empty, freq: 'YEARLY', byMonth: [month], byDay }
        : { ...empty, freq: 'YEARLY', byMonth: [month], byMonthDay: [day] };
      break;
    }
  }
  if (!recurrence.noEndDate && recurrence.endByDate !== undefined) {
    if (recurrence.endByDate < recurrence.seriesStartDate)
      return { ok: false, error: 'endByDate before seriesStartDate' };
    rule = { ...rule, until: untilForEndDate(recurrence.endByDate, anchor) };
  }
  const rrule = formatRRule(rule);
  const series: SeriesDefinition = { rrule, anchor, duration: allDay ? 1 : 0 };
  const exdates = recurrence.exclusionDateList.flatMap((date) => {
    if (allDay) return [date];
    const hit = occurrenceOnDate(series, date);
    return hit ? [hit.key] : [];
  });
  return { ok: true, rrule, anchor: anchorOnDate(anchor, recurrence.seriesStartDate), exdates };
}

/**
 * A rule in the form NetSuite reports it back once written natively: NetSuite has no occurrence
 * count (COUNT becomes the last date, read back as UNTIL), weeks start on Sunday, and exclusions are
 * dates. Comparing in this form keeps a series we wrote from looking edited when NetSuite returns it.
 * Undefined when NetSuite cannot hold the rule.
 */
export function netSuiteFormOf(
  recurrence: { readonly rrule: string; readonly timeZone: string; readonly exdates: readonly string[] },
  timing: Timing
): { rrule: string; exdates: readonly string[] } | undefined {
  const anchor = anchorFromTiming({ ...timing, timeZone: recurrence.timeZone });
  const duration = timing.allDay
    ? Math.max(1, Math.round((Date.parse(timing.endDate) - Date.parse(timing.startDate)) / 86_400_000))
    : Date.parse(timing.end) - Date.parse(timing.start);
  const written = rruleToNetSuite(recurrence.rrule, anchor, { exdates: recurrence.exdates, duration });
  if (!written.ok) return undefined;
  const read = netSuiteToRrule(written.recurrence, {
    ...(anchor.allDay ? {} : { startTime: anchor.start.slice(11, 19) }),
    timeZone: recurrence.timeZone,
  });
  return read.ok ? { rrule: read.rrule, exdates: read.exdates } : undefined;
}
