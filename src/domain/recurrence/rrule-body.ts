/**
 * The RRULE body (RFC 5545 §3.3.10, without the "RRULE:" prefix) as a typed value, limited to the
 * parts calendars we sync can produce. Parsing is strict so that an unknown part is reported,
 * never silently dropped (dropping BYHOUR would change the meaning of the rule).
 */

export const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface ByDay {
  readonly weekday: Weekday;
  /** Ordinal within the month (or year), e.g. 1 = first, -1 = last; absent = every such weekday. */
  readonly n?: number;
}

export interface RRuleParts {
  readonly freq: Frequency;
  readonly interval: number;
  readonly count?: number;
  /** Raw UNTIL value: `YYYYMMDD` (all-day) or `YYYYMMDDTHHMMSSZ` (UTC). */
  readonly until?: string;
  readonly byDay: readonly ByDay[];
  readonly byMonthDay: readonly number[];
  readonly byMonth: readonly number[];
  readonly bySetPos: readonly number[];
  readonly wkst?: Weekday;
}

export type RRuleParse =
  { readonly ok: true; readonly rule: RRuleParts } | { readonly ok: false; readonly error: string };

const UNTIL_PATTERN = /^\d{8}(T\d{6}Z?)?$/;
const BYDAY_PATTERN = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/;

function parseIntList(value: string, min: number, max: number, allowNegative: boolean): number[] | undefined {
  const out: number[] = [];
  for (const item of value.split(',')) {
    if (!/^[+-]?\d+$/.test(item)) return undefined;
    const n = Number(item);
    const magnitude = Math.abs(n);
    if (n === 0 || magnitude < min || magnitude > max || (n < 0 && !allowNegative)) return undefined;
    out.push(n);
  }
  return out;
}

function isWeekday(value: string): value is Weekday {
  return (WEEKDAYS as readonly string[]).includes(value);
}

export function parseRRule(body: string): RRuleParse {
  const text = body.trim().replace(/^RRULE:/i, '');
  if (text === '') return { ok: false, error: 'empty RRULE' };
  let freq: Frequency | undefined;
  let interval = 1;
  let count: number | undefined;
  let until: string | undefined;
  let byDay: ByDay[] = [];
  let byMonthDay: number[] = [];
  let byMonth: number[] = [];
  let bySetPos: number[] = [];
  let wkst: Weekday | undefined;
  const seen = new Set<string>();

  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, error: `malformed RRULE part "${part}"` };
    const key = part.slice(0, eq).toUpperCase();
    const value = part.slice(eq + 1).toUpperCase();
    if (seen.has(key)) return { ok: false, error: `RRULE part ${key} given twice` };
    seen.add(key);
    switch (key) {
      case 'FREQ':
        if (!(FREQUENCIES as readonly string[]).includes(value))
          return { ok: false, error: `unsupported FREQ=${value}` };
        freq = value as Frequency;
        break;
      case 'INTERVAL':
        if (!/^\d+$/.test(value) || Number(value) < 1) return { ok: false, error: `bad INTERVAL=${value}` };
        interval = Number(value);
        break;
      case 'COUNT':
        if (!/^\d+$/.test(value) || Number(value) < 1) return { ok: false, error: `bad COUNT=${value}` };
        count = Number(value);
        break;
      case 'UNTIL':
        if (!UNTIL_PATTERN.test(value)) return { ok: false, error: `bad UNTIL=${value}` };
        until = value;
        break;
      case 'BYDAY': {
        const items: ByDay[] = [];
        for (const item of value.split(',')) {
          const m = BYDAY_PATTERN.exec(item);
          if (!m || !m[2] || !isWeekday(m[2])) return { ok: false, error: `bad BYDAY item "${item}"` };
          const n = m[1] === undefined ? undefined : Number(m[1]);
          if (n !== undefined && (n === 0 || Math.abs(n) > 53))
            return { ok: false, error: `bad BYDAY ordinal "${item}"` };
          items.push(n === undefined ? { weekday: m[2] } : { weekday: m[2], n });
        }
        byDay = items;
        break;
      }
      case 'BYMONTHDAY': {
        const list = parseIntList(value, 1, 31, true);
        if (!list) return { ok: false, error: `bad BYMONTHDAY=${value}` };
        byMonthDay = list;
        break;
      }
      case 'BYMONTH': {
        const list = parseIntList(value, 1, 12, false);
        if (!list) return { ok: false, error: `bad BYMONTH=${value}` };
        byMonth = list;
        break;
      }
      case 'BYSETPOS': {
        const list = parseIntList(value, 1, 366, true);
        if (!list) return { ok: false, error: `bad BYSETPOS=${value}` };
        bySetPos = list;
        break;
      }
      case 'WKST':
        if (!isWeekday(value)) return { ok: false, error: `bad WKST=${value}` };
        wkst = value;
        break;
      default:
        return { ok: false, error: `unsupported RRULE part ${key}` };
    }
  }
  if (!freq) return { ok: false, error: 'RRULE without FREQ' };
  if (count !== undefined && until !== undefined) return { ok: false, error: 'RRULE with both COUNT and UNTIL' };
  const rule: RRuleParts = {
    freq,
    interval,
    byDay,
    byMonthDay,
    byMonth,
    bySetPos,
    ...(count !== undefined ? { count } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(wkst !== undefined ? { wkst } : {}),
  };
  return { ok: true, rule };
}

/** One canonical spelling per rule, so that equal rules compare equal as strings. */
export function formatRRule(rule: RRuleParts): string {
  const parts: string[] = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until !== undefined) parts.push(`UNTIL=${rule.until}`);
  if (rule.byMonth.length > 0) parts.push(`BYMONTH=${rule.byMonth.join(',')}`);
  if (rule.byMonthDay.length > 0) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.n ?? ''}${d.weekday}`).join(',')}`);
  if (rule.bySetPos.length > 0) parts.push(`BYSETPOS=${rule.bySetPos.join(',')}`);
  if (rule.wkst !== undefined) parts.push(`WKST=${rule.wkst}`);
  return parts.join(';');
}

/** Re-spells an RRULE body canonically; returns the input unchanged when it cannot be parsed. */
export function normalizeRRule(body: string): string {
  const parsed = parseRRule(body);
  return parsed.ok ? formatRRule(parsed.rule) : body.trim();
}

export function weekdayIndex(day: Weekday): number {
  return WEEKDAYS.indexOf(day);
}

/** Sorts and de-duplicates weekdays in Sunday-first order. */
export function sortWeekdays(days: readonly Weekday[]): Weekday[] {
  return [...new Set(days)].sort((a, b) => weekdayIndex(a) - weekdayIndex(b));
}
