import { z } from 'zod';
import { dayOfWeek } from '../all-day';
import { resolveTimeZone, type WallClock, wallClockToUtc } from '../time-zones';
import { endDateForUntil, untilForEndDate } from './until';
import { anchorDate, anchorFromTiming, anchorParts, type SeriesAnchor } from './series-anchor';
import {
  type ByDay,
  formatRRule,
  parseRRule,
  type RRuleParts,
  sortWeekdays,
  type Weekday,
  WEEKDAYS,
} from './rrule-body';

/**
 * Microsoft Graph `patternedRecurrence` (recurrencePattern + recurrenceRange) and its
 * translation to and from RRULE. Graph enum values arrive in either case ("Monday", "monday");
 * we accept both and emit the lowercase spelling of the CSDL.
 */

export const GRAPH_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type GraphDayOfWeek = (typeof GRAPH_DAYS)[number];

export const GRAPH_PATTERN_TYPES = [
  'daily',
  'weekly',
  'absoluteMonthly',
  'relativeMonthly',
  'absoluteYearly',
  'relativeYearly',
] as const;
export type GraphPatternType = (typeof GRAPH_PATTERN_TYPES)[number];

export const GRAPH_WEEK_INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type GraphWeekIndex = (typeof GRAPH_WEEK_INDEXES)[number];

export const GRAPH_RANGE_TYPES = ['endDate', 'noEnd', 'numbered'] as const;
export type GraphRangeType = (typeof GRAPH_RANGE_TYPES)[number];

/** Graph serialises an unset Edm.Date as this value (e.g. endDate of a noEnd range). */
export const GRAPH_NULL_DATE = '0001-01-01';

function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v] as const));
  return z
    .string()
    .transform((s) => byLower.get(s.trim().toLowerCase()) ?? s)
    .pipe(z.enum(values));
}

export const graphDayOfWeekSchema = caseInsensitiveEnum(GRAPH_DAYS);
export const graphWeekIndexSchema = caseInsensitiveEnum(GRAPH_WEEK_INDEXES);

export const graphRecurrencePatternSchema = z.object({
  type: caseInsensitiveEnum(GRAPH_PATTERN_TYPES),
  interval: z.number().int().min(1),
  month: z
    .number()
    .int()
    .min(0)
    .max(12)
    .nullish()
    .transform((v) => v ?? 0),
  dayOfMonth: z
    .number()
    .int()
    .min(0)
    .max(31)
    .nullish()
    .transform((v) => v ?? 0),
  daysOfWeek: z
    .array(graphDayOfWeekSchema)
    .nullish()
    .transform((v) => v ?? []),
  firstDayOfWeek: graphDayOfWeekSchema.nullish().transform((v) => v ?? 'sunday'),
  index: graphWeekIndexSchema.nullish().transform((v) => v ?? 'first'),
});

export const graphRecurrenceRangeSchema = z.object({
  type: caseInsensitiveEnum(GRAPH_RANGE_TYPES),
  startDate: z.iso.date(),
  endDate: z.iso
    .date()
    .nullish()
    .transform((v) => v ?? GRAPH_NULL_DATE),
  numberOfOccurrences: z
    .number()
    .int()
    .min(0)
    .nullish()
    .transform((v) => v ?? 0),
  recurrenceTimeZone: z.preprocess((v) => v ?? undefined, z.string().optional()),
});

export const graphPatternedRecurrenceSchema = z.object({
  pattern: graphRecurrencePatternSchema,
  range: graphRecurrenceRangeSchema,
});

export type GraphRecurrencePattern = z.output<typeof graphRecurrencePatternSchema>;
export type GraphRecurrenceRange = z.output<typeof graphRecurrenceRangeSchema>;
export type GraphPatternedRecurrence = z.output<typeof graphPatternedRecurrenceSchema>;
/** What Graph sends; parse it with `graphPatternedRecurrenceSchema`. */
export type GraphPatternedRecurrenceInput = z.input<typeof graphPatternedRecurrenceSchema>;

const INDEX_TO_ORDINAL: Readonly<Record<GraphWeekIndex, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  last: -1,
};

function ordinalToIndex(n: number): GraphWeekIndex | undefined {
  return (Object.entries(INDEX_TO_ORDINAL) as [GraphWeekIndex, number][]).find(([, v]) => v === n)?.[0];
}

function toWeekday(day: GraphDayOfWeek): Weekday {
  return WEEKDAYS[GRAPH_DAYS.indexOf(day)] ?? 'SU';
}

function toGraphDay(day: Weekday): GraphDayOfWeek {
  return GRAPH_DAYS[WEEKDAYS.indexOf(day)] ?? 'sunday';
}

function sortGraphDays(days: readonly GraphDayOfWeek[]): GraphDayOfWeek[] {
  return sortWeekdays(days.map(toWeekday)).map(toGraphDay);
}

/** Fewest days the given month ever has (February: 28). */
function minDaysInMonth(month: number): number {
  if (month === 2) return 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Graph's day-of-month beyond a month's end means "the last day of that month" (EWS
 * DayOfMonth docs). RRULE skips such months instead, so we say "the last of days d0..d".
 */
function monthDayParts(day: number, minDays: number): Pick<RRuleParts, 'byMonthDay' | 'bySetPos'> {
  if (day <= minDays) return { byMonthDay: [day], bySetPos: [] };
  const days: number[] = [];
  for (let d = minDays; d <= day; d++) days.push(d);
  return { byMonthDay: days, bySetPos: [-1] };
}

/** Reads back `monthDayParts`; `-1` (last day) is Graph's 31. */
function monthDayOf(rule: RRuleParts, minDays: number): number | undefined {
  const days = rule.byMonthDay;
  if (days.length === 1 && rule.bySetPos.length === 0) {
    const d = days[0] ?? 0;
    if (d === -1) return 31;
    return d >= 1 && d <= minDays ? d : undefined;
  }
  if (rule.bySetPos.length !== 1 || rule.bySetPos[0] !== -1) return undefined;
  const last = days[days.length - 1] ?? 0;
  const expected = monthDayParts(last, minDays).byMonthDay;
  return last > minDays && expected.length === days.length && expected.every((d, i) => days[i] === d)
    ? last
    : undefined;
}

function relativeDayParts(pattern: GraphRecurrencePattern): Pick<RRuleParts, 'byDay' | 'bySetPos'> {
  const ordinal = INDEX_TO_ORDINAL[pattern.index];
  const days = sortGraphDays(pattern.daysOfWeek).map(toWeekday);
  if (days.length === 1) return { byDay: [{ weekday: days[0] ?? 'SU', n: ordinal }], bySetPos: [] };
  // Several days with an index mean "the first of those days that matches" (Graph docs).
  return { byDay: days.map((weekday) => ({ weekday })), bySetPos: [ordinal] };
}

function relativeDaysOf(rule: RRuleParts): { daysOfWeek: GraphDayOfWeek[]; index: GraphWeekIndex } | undefined {
  if (rule.byDay.length === 0 || rule.byMonthDay.length > 0) return undefined;
  if (rule.byDay.length === 1 && rule.bySetPos.length === 0) {
    const only = rule.byDay[0];
    const index = only?.n !== undefined ? ordinalToIndex(only.n) : undefined;
    return only && index ? { daysOfWeek: [toGraphDay(only.weekday)], index } : undefined;
  }
  if (rule.bySetPos.length !== 1 || rule.byDay.some((d) => d.n !== undefined)) return undefined;
  const index = ordinalToIndex(rule.bySetPos[0] ?? 0);
  return index ? { daysOfWeek: sortGraphDays(rule.byDay.map((d) => toGraphDay(d.weekday))), index } : undefined;
}

export type ToRRuleResult =
  | { readonly ok: true; readonly rrule: string; readonly anchor: SeriesAnchor }
  | { readonly ok: false; readonly error: string };

/**
 * Graph `patternedRecurrence` → RRULE body. `anchor` is the series start (Graph requires the
 * range startDate to equal the start's date; we take the range's date and the anchor's time).
 */
export function graphRecurrenceToRrule(recurrence: GraphPatternedRecurrence, anchor: SeriesAnchor): ToRRuleResult {
  const { pattern, range } = recurrence;
  const seriesAnchor: SeriesAnchor = {
    ...anchor,
    start: anchor.allDay ? range.startDate : `${range.startDate}${anchor.start.slice(10)}`,
  };
  const base = { interval: pattern.interval, byDay: [], byMonthDay: [], byMonth: [], bySetPos: [] };
  let rule: RRuleParts;
  switch (pattern.type) {
    case 'daily':
      rule = { ...base, freq: 'DAILY' };
      break;
    case 'weekly': {
      if (pattern.daysOfWeek.length === 0) return { ok: false, error: 'weekly pattern without daysOfWeek' };
      // WKST always: RFC 5545 defaults to Monday, Graph to Sunday, and it matters for interval > 1.
      rule = {
        ...base,
        freq: 'WEEKLY',
        byDay: sortGraphDays(pattern.daysOfWeek).map((d) => ({ weekday: toWeekday(d) })),
        wkst: toWeekday(pattern.firstDayOfWeek),
      };
      break;
    }
    case 'absoluteMonthly':
      if (pattern.dayOfMonth < 1) return { ok: false, error: 'absoluteMonthly pattern without dayOfMonth' };
      rule = { ...base, freq: 'MONTHLY', ...monthDayParts(pattern.dayOfMonth, 28) };
      break;
    case 'relativeMonthly':
      if (pattern.daysOfWeek.length === 0) return { ok: false, error: 'relativeMonthly pattern without daysOfWeek' };
      rule = { ...base, freq: 'MONTHLY', ...relativeDayParts(pattern) };
      break;
    case 'absoluteYearly':
      if (pattern.dayOfMonth < 1 || pattern.month < 1) {
        return { ok: false, error: 'absoluteYearly pattern without month and dayOfMonth' };
      }
      rule = {
        ...base,
        freq: 'YEARLY',
        byMonth: [pattern.month],
        ...monthDayParts(pattern.dayOfMonth, minDaysInMonth(pattern.month)),
      };
      break;
    case 'relativeYearly':
      if (pattern.daysOfWeek.length === 0 || pattern.month < 1) {
        return { ok: false, error: 'relativeYearly pattern without month and daysOfWeek' };
      }
      rule = { ...base, freq: 'YEARLY', byMonth: [pattern.month], ...relativeDayParts(pattern) };
      break;
  }
  switch (range.type) {
    case 'numbered':
      if (range.numberOfOccurrences < 1) return { ok: false, error: 'numbered range without numberOfOccurrences' };
      rule = { ...rule, count: range.numberOfOccurrences };
      break;
    case 'endDate':
      if (range.endDate === GRAPH_NULL_DATE || range.endDate < range.startDate) {
        return { ok: false, error: `endDate range with end ${range.endDate} before start ${range.startDate}` };
      }
      rule = { ...rule, until: untilForEndDate(range.endDate, seriesAnchor) };
      break;
    case 'noEnd':
      break;
  }
  return { ok: true, rrule: formatRRule(rule), anchor: seriesAnchor };
}

export type ToGraphResult =
  | { readonly ok: true; readonly recurrence: GraphPatternedRecurrence }
  | { readonly ok: false; readonly notRepresentable: true; readonly reason: string };

function notRepresentable(reason: string): ToGraphResult {
  return { ok: false, notRepresentable: true, reason };
}

function emptyPattern(): Omit<GraphRecurrencePattern, 'type' | 'interval'> {
  return { month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: 'sunday', index: 'first' };
}

/**
 * RRULE body → Graph `patternedRecurrence`. Rules Graph cannot express (BYHOUR, a fifth weekday,
 * several month days, …) come back as `notRepresentable`: the caller then expands the series.
 */
export function rruleToGraphRecurrence(
  body: string,
  anchor: SeriesAnchor,
  options: { readonly recurrenceTimeZone?: string } = {}
): ToGraphResult {
  const parsed = parseRRule(body);
  if (!parsed.ok) return notRepresentable(parsed.error);
  const rule = parsed.rule;
  const startDate = anchorDate(anchor);
  const anchorLocal = anchorParts(anchor);
  const interval = rule.interval;
  let pattern: GraphRecurrencePattern;

  const plainDays = rule.byDay.every((d) => d.n === undefined);
  switch (rule.freq) {
    case 'DAILY':
      if (rule.byMonth.length > 0 || rule.byMonthDay.length > 0 || rule.bySetPos.length > 0) {
        return notRepresentable('daily rule with BYMONTH/BYMONTHDAY/BYSETPOS');
      }
      if (rule.byDay.length === 0) {
        pattern = { ...emptyPattern(), type: 'daily', interval };
      } else if (interval === 1 && plainDays) {
        // "Every weekday" is often written as a daily rule filtered by day; Graph calls it weekly.
        pattern = {
          ...emptyPattern(),
          type: 'weekly',
          interval: 1,
          daysOfWeek: sortGraphDays(rule.byDay.map((d) => toGraphDay(d.weekday))),
          firstDayOfWeek: toGraphDay(rule.wkst ?? 'MO'),
        };
      } else {
        return notRepresentable('daily rule with BYDAY and an interval');
      }
      break;
    case 'WEEKLY': {
      if (rule.byMonth.length > 0 || rule.byMonthDay.length > 0 || rule.bySetPos.length > 0 || !plainDays) {
        return notRepresentable('weekly rule with month, month-day, set-position or ordinal day parts');
      }
      const days: ByDay[] =
        rule.byDay.length > 0 ? [...rule.byDay] : [{ weekday: WEEKDAYS[dayOfWeek(startDate)] ?? 'SU' }];
      pattern = {
        ...emptyPattern(),
        type: 'weekly',
        interval,
        daysOfWeek: sortGraphDays(days.map((d) => toGraphDay(d.weekday))),
        firstDayOfWeek: toGraphDay(rule.wkst ?? 'MO'),
      };
      break;
    }
    case 'MONTHLY': {
      if (rule.byMonth.length > 0) return notRepresentable('monthly rule with BYMONTH');
      if (rule.byDay.length > 0) {
        const relative = relativeDaysOf(rule);
        if (!relative) return notRepresentable('monthly rule with a weekday set Graph cannot express');
        pattern = { ...emptyPattern(), type: 'relativeMonthly', interval, ...relative };
      } else {
        const day = rule.byMonthDay.length > 0 ? monthDayOf(rule, 28) : anchorLocal.day;
        if (day === undefined || (day > 28 && rule.byMonthDay.length === 0)) {
          return notRepresentable('monthly rule on a day that some months lack (RRULE skips them, Graph does not)');
        }
        pattern = { ...emptyPattern(), type: 'absoluteMonthly', interval, dayOfMonth: day };
      }
      break;
    }
    case 'YEARLY': {
      if (rule.byMonth.length > 1) return notRepresentable('yearly rule with several months');
      const month = rule.byMonth[0] ?? anchorLocal.month;
      if (rule.byDay.length > 0) {
        if (rule.byMonth.length === 0) return notRepresentable('yearly weekday rule without BYMONTH');
        const relative = relativeDaysOf(rule);
        if (!relative) return notRepresentable('yearly rule with a weekday set Graph cannot express');
        pattern = { ...emptyPattern(), type: 'relativeYearly', interval, month, ...relative };
      } else {
        const minDays = minDaysInMonth(month);
        const day = rule.byMonthDay.length > 0 ? monthDayOf(rule, minDays) : anchorLocal.day;
        if (day === undefined || (day > minDays && rule.byMonthDay.length === 0)) {
          return notRepresentable('yearly rule on a day that some years lack');
        }
        pattern = { ...emptyPattern(), type: 'absoluteYearly', interval, month, dayOfMonth: day };
      }
      break;
    }
  }

  let range: GraphRecurrenceRange;
  if (rule.count !== undefined) {
    range = { type: 'numbered', startDate, endDate: GRAPH_NULL_DATE, numberOfOccurrences: rule.count };
  } else if (rule.until !== undefined) {
    const endDate = endDateForUntil(rule.until, anchor);
    if (endDate < startDate) return notRepresentable(`UNTIL ${rule.until} ends before the series starts`);
    range = { type: 'endDate', startDate, endDate, numberOfOccurrences: 0 };
  } else {
    range = { type: 'noEnd', startDate, endDate: GRAPH_NULL_DATE, numberOfOccurrences: 0 };
  }
  if (options.recurrenceTimeZone !== undefined) range = { ...range, recurrenceTimeZone: options.recurrenceTimeZone };
  return { ok: true, recurrence: { pattern, range } };
}

/**
 * The same recurrence with every field Graph ignores for its pattern/range type reset to Graph's
 * defaults, and day lists sorted: two recurrences mean the same iff their normal forms are equal.
 */
export function normalizeGraphRecurrence(recurrence: GraphPatternedRecurrence): GraphPatternedRecurrence {
  const { pattern, range } = recurrence;
  const keep = (fields: readonly (keyof GraphRecurrencePattern)[]): GraphRecurrencePattern => {
    const out: GraphRecurrencePattern = { ...emptyPattern(), type: pattern.type, interval: pattern.interval };
    for (const field of fields) {
      if (field === 'daysOfWeek') out.daysOfWeek = sortGraphDays(pattern.daysOfWeek);
      else if (field === 'month') out.month = pattern.month;
      else if (field === 'dayOfMonth') out.dayOfMonth = pattern.dayOfMonth;
      else if (field === 'index') out.index = pattern.index;
      else if (field === 'firstDayOfWeek') out.firstDayOfWeek = pattern.firstDayOfWeek;
    }
    return out;
  };
  const fieldsByType: Readonly<Record<GraphPatternType, readonly (keyof GraphRecurrencePattern)[]>> = {
    daily: [],
    weekly: ['daysOfWeek', 'firstDayOfWeek'],
    absoluteMonthly: ['dayOfMonth'],
    relativeMonthly: ['daysOfWeek', 'index'],
    absoluteYearly: ['dayOfMonth', 'month'],
    relativeYearly: ['daysOfWeek', 'month', 'index'],
  };
  const normalRange: GraphRecurrenceRange = {
    type: range.type,
    startDate: range.startDate,
    endDate: range.type === 'endDate' ? range.endDate : GRAPH_NULL_DATE,
    numberOfOccurrences: range.type === 'numbered' ? range.numberOfOccurrences : 0,
    ...(range.recurrenceTimeZone !== undefined ? { recurrenceTimeZone: range.recurrenceTimeZone } : {}),
  };
  return { pattern: keep(fieldsByType[pattern.type]), range: normalRange };
}

export interface GraphSeriesAnchorInput {
  /** The series master's start as Graph returned it (any zone, usually UTC). */
  readonly start: WallClock;
  readonly isAllDay: boolean;
  /** Graph `originalStartTimeZone`: the zone the series was made in. */
  readonly originalStartTimeZone?: string | null;
  readonly recurrence: GraphPatternedRecurrence;
}

/**
 * The anchor a Graph series is expanded from: the master's start re-expressed in the
 * recurrence's zone (recurrenceTimeZone, else the creation zone), on the range's startDate.
 * An unmappable zone falls back to `fallbackZone` (the mailbox zone) with a warning.
 */
export function graphSeriesAnchor(
  input: GraphSeriesAnchorInput,
  fallbackZone?: string
): { readonly anchor: SeriesAnchor; readonly warning?: string } {
  const zoneName = input.recurrence.range.recurrenceTimeZone ?? input.originalStartTimeZone ?? input.start.timeZone;
  const zone = resolveTimeZone(zoneName, fallbackZone !== undefined ? { fallback: fallbackZone } : {});
  const warning = zone.kind === 'fallback' ? zone.warning : undefined;
  const startDate = input.recurrence.range.startDate;
  if (input.isAllDay) {
    return { anchor: { start: startDate, timeZone: zone.iana, allDay: true }, ...(warning ? { warning } : {}) };
  }
  const instant = wallClockToUtc(input.start);
  if (!instant.ok) {
    return {
      anchor: { start: `${startDate}T00:00:00`, timeZone: zone.iana, allDay: false },
      warning: instant.error,
    };
  }
  const anchor = anchorFromTiming({ allDay: false, start: instant.instant, end: instant.instant, timeZone: zone.iana });
  return { anchor: { ...anchor, start: `${startDate}${anchor.start.slice(10)}` }, ...(warning ? { warning } : {}) };
}
