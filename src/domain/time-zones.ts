import { DateTime, IANAZone } from 'luxon';
import { IANA_ALIAS_MAP, WINDOWS_TO_IANA_MAP } from 'windows-iana';

/**
 * Time-zone names as providers send them (Windows names, IANA names and their aliases,
 * Microsoft's `tzone://` markers) resolved to one canonical IANA name, and wall-clock ↔ UTC
 * conversions that always go through luxon's zone rules.
 */

export const UTC_ZONE = 'UTC';

export type ZoneSource = 'iana' | 'windows' | 'utc-marker';

export type ZoneResolution =
  | { readonly kind: 'resolved'; readonly iana: string; readonly source: ZoneSource }
  /** The name could not be mapped; `iana` is the fallback the caller asked for (UTC by default). */
  | { readonly kind: 'fallback'; readonly iana: string; readonly input: string; readonly warning: string };

/**
 * CLDR keeps pre-rename ids as its canonical ids (stability policy); IANA has moved on.
 * We store and compare the IANA names, so both spellings of one zone compare equal.
 */
const CLDR_LEGACY_TO_IANA: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

const IANA_TO_CLDR_LEGACY: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CLDR_LEGACY_TO_IANA).map(([legacy, modern]) => [modern, legacy])
);

/** Names that mean UTC in every provider we talk to. */
const UTC_NAMES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'z', 'zulu', 'etc/zulu', 'universal', 'etc/universal']);

const aliasGroupByLowerName: ReadonlyMap<string, readonly string[]> = (() => {
  const index = new Map<string, readonly string[]>();
  for (const group of IANA_ALIAS_MAP) {
    for (const name of group.alias) index.set(name.toLowerCase(), group.alias);
  }
  return index;
})();

const windowsEntriesByLowerName: ReadonlyMap<string, { windowsName: string; territory: string; iana: string[] }[]> =
  (() => {
    const index = new Map<string, { windowsName: string; territory: string; iana: string[] }[]>();
    for (const entry of WINDOWS_TO_IANA_MAP) {
      const key = entry.windowsName.toLowerCase();
      const list = index.get(key) ?? [];
      list.push({ windowsName: entry.windowsName, territory: entry.territory, iana: [...entry.iana] });
      index.set(key, list);
    }
    return index;
  })();

function intlZoneName(name: string): string | undefined {
  if (!IANAZone.isValidZone(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The canonical IANA name of a zone, or undefined when the runtime does not know it.
 * Every alias of one zone (Asia/Calcutta, Asia/Kolkata, asia/kolkata) yields the same string.
 */
export function canonicalIanaZone(name: string): string | undefined {
  // Zone lookups build Intl formatters, which is slow; the answer never changes for a name.
  const cached = canonicalCache.get(name);
  if (cached !== undefined || canonicalCache.has(name)) return cached;
  const result = computeCanonicalIanaZone(name);
  canonicalCache.set(name, result);
  return result;
}

const canonicalCache = new Map<string, string | undefined>();

function computeCanonicalIanaZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  if (UTC_NAMES.has(trimmed.toLowerCase())) return UTC_ZONE;
  const runtimeName = intlZoneName(trimmed);
  if (runtimeName === undefined) return undefined;
  if (UTC_NAMES.has(runtimeName.toLowerCase())) return UTC_ZONE;
  const group = aliasGroupByLowerName.get(runtimeName.toLowerCase());
  // The first id of a CLDR alias group is CLDR's canonical id for the whole group.
  const cldrCanonical = group?.[0] ?? runtimeName;
  const modern = CLDR_LEGACY_TO_IANA[cldrCanonical] ?? cldrCanonical;
  return intlZoneName(modern) === undefined ? runtimeName : modern;
}

/** The IANA zones CLDR maps a Windows zone name to (case-insensitive); the first is the territory-001 default. */
export function windowsToIana(windowsName: string, territory = '001'): string | undefined {
  const entries = windowsEntriesByLowerName.get(windowsName.trim().toLowerCase());
  if (!entries) return undefined;
  const entry = entries.find((e) => e.territory === territory) ?? entries.find((e) => e.territory === '001');
  const first = entry?.iana[0];
  return first === undefined ? undefined : canonicalIanaZone(first);
}

/** The Windows zone name Graph understands for an IANA zone, or undefined when CLDR has none. */
export function ianaToWindows(iana: string): string | undefined {
  const canonical = canonicalIanaZone(iana);
  if (canonical === undefined) return undefined;
  if (canonical === UTC_ZONE) return 'UTC';
  const legacy = IANA_TO_CLDR_LEGACY[canonical];
  const candidates = new Set<string>([canonical, ...(legacy ? [legacy] : [])]);
  for (const name of [...candidates]) {
    for (const alias of aliasGroupByLowerName.get(name.toLowerCase()) ?? []) candidates.add(alias);
  }
  // Prefer the mapping where the zone is the territory default, so the round trip is stable.
  let fallback: string | undefined;
  for (const entry of WINDOWS_TO_IANA_MAP) {
    if (!entry.iana.some((z) => candidates.has(z))) continue;
    if (entry.territory === '001') return entry.windowsName;
    fallback ??= entry.windowsName;
  }
  return fallback;
}

export interface ResolveZoneOptions {
  /** Zone to use when the name cannot be resolved (e.g. the mailbox zone); defaults to UTC. */
  readonly fallback?: string;
}

/**
 * Resolves any zone name a provider may send. Never throws: an unknown or custom zone yields
 * `kind: 'fallback'` with a warning, because one odd zone must not stop a user's sync.
 */
export function resolveTimeZone(name: string | null | undefined, options: ResolveZoneOptions = {}): ZoneResolution {
  const fallbackZone = (options.fallback !== undefined ? canonicalIanaZone(options.fallback) : undefined) ?? UTC_ZONE;
  const input = (name ?? '').trim();
  const fallback = (warning: string): ZoneResolution => ({ kind: 'fallback', iana: fallbackZone, input, warning });
  if (input === '') return fallback('no time zone given');

  const lower = input.toLowerCase();
  if (lower.startsWith('tzone://microsoft/')) {
    const marker = lower.slice('tzone://microsoft/'.length);
    if (marker === 'utc') return { kind: 'resolved', iana: UTC_ZONE, source: 'utc-marker' };
    // Custom zones carry their rules only in the event's own payload, which we do not model.
    return fallback(`Microsoft custom time zone "${input}" cannot be mapped; using ${fallbackZone}`);
  }

  const fromWindows = windowsToIana(input);
  if (fromWindows !== undefined) return { kind: 'resolved', iana: fromWindows, source: 'windows' };

  const fromIana = canonicalIanaZone(input);
  if (fromIana !== undefined) return { kind: 'resolved', iana: fromIana, source: 'iana' };

  return fallback(`unknown time zone "${input}"; using ${fallbackZone}`);
}

/** A provider's wall-clock value: no offset, meaning given by `timeZone` (Graph's dateTimeTimeZone). */
export interface WallClock {
  /** `YYYY-MM-DDTHH:mm[:ss[.f{1,7}]]`, no offset. */
  readonly dateTime: string;
  readonly timeZone: string;
}

export type UtcConversion =
  | { readonly ok: true; readonly instant: string; readonly zone: string; readonly warning?: string }
  | { readonly ok: false; readonly error: string };

const WALL_CLOCK_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

function parseWallClock(text: string): LocalParts | undefined {
  const m = WALL_CLOCK_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const parts: LocalParts = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s ?? '0'),
    // Graph sends 7 fractional digits; below a millisecond nothing in a calendar matters.
    millisecond: Number(((frac ?? '') + '000').slice(0, 3)),
  };
  const check = DateTime.fromObject(parts, { zone: UTC_ZONE });
  return check.isValid && check.day === parts.day && check.hour === parts.hour ? parts : undefined;
}

/**
 * The UTC instant of a local time in a zone, per RFC 5545 §3.3.5: a time in a DST overlap means
 * its first occurrence; a time in a DST gap is read with the offset in force before the gap.
 */
export function localPartsToInstant(parts: LocalParts, zone: string): DateTime {
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
    parts.millisecond
  );
  const iana = IANAZone.create(zone);
  const hour = 3_600_000;
  const offsets = new Set<number>([iana.offset(asUtc - 48 * hour), iana.offset(asUtc), iana.offset(asUtc + 48 * hour)]);
  let best: number | undefined;
  for (const offset of offsets) {
    const candidate = asUtc - offset * 60_000;
    if (iana.offset(candidate) === offset && (best === undefined || candidate < best)) best = candidate;
  }
  if (best === undefined) {
    // In a gap no offset fits; use the offset before the transition (the earlier, smaller one).
    const before = iana.offset(asUtc - 48 * hour);
    best = asUtc - before * 60_000;
  }
  return DateTime.fromMillis(best, { zone: UTC_ZONE });
}

/** Converts a provider wall-clock value to a UTC instant (`…Z`, millisecond precision). */
export function wallClockToUtc(value: WallClock, options: ResolveZoneOptions = {}): UtcConversion {
  const parts = parseWallClock(value.dateTime);
  if (!parts) return { ok: false, error: `not a wall-clock date-time: "${value.dateTime}"` };
  const zone = resolveTimeZone(value.timeZone, options);
  const instant = toIsoUtc(localPartsToInstant(parts, zone.iana));
  return zone.kind === 'resolved'
    ? { ok: true, instant, zone: zone.iana }
    : { ok: true, instant, zone: zone.iana, warning: zone.warning };
}

export interface ToWallClockOptions {
  /** Fractional digits in the output (Graph uses 7); 0 omits the fraction. */
  readonly fractionDigits?: 0 | 3 | 7;
}

/** The wall-clock time of a UTC instant in an IANA zone, e.g. for a Graph or NetSuite write. */
export function utcToWallClock(instant: string, zone: string, options: ToWallClockOptions = {}): WallClock {
  const iana = canonicalIanaZone(zone) ?? UTC_ZONE;
  const local = parseInstant(instant).setZone(iana);
  const base = local.toFormat("yyyy-LL-dd'T'HH:mm:ss");
  const digits = options.fractionDigits ?? 7;
  const fraction = digits === 0 ? '' : '.' + String(local.millisecond).padStart(3, '0').padEnd(digits, '0');
  return { dateTime: base + fraction, timeZone: iana };
}

/** Parses an ISO instant with an offset or Z; throws on malformed input (callers validated it with zod). */
export function parseInstant(instant: string): DateTime {
  const dt = DateTime.fromISO(instant, { setZone: true });
  if (!dt.isValid) throw new RangeError(`not an ISO instant: "${instant}"`);
  return dt.toUTC();
}

/** Normalises any ISO instant to the one string form we store and compare: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function normalizeInstant(instant: string): string {
  return toIsoUtc(parseInstant(instant));
}

export function toIsoUtc(dt: DateTime): string {
  // Date's own ISO form is exactly the spelling we store, and far cheaper than a luxon format.
  return new Date(dt.toMillis()).toISOString();
}

/** The calendar date (YYYY-MM-DD) an instant falls on in a zone. */
export function dateInZone(instant: string, zone: string): string {
  return parseInstant(instant)
    .setZone(canonicalIanaZone(zone) ?? UTC_ZONE)
    .toFormat('yyyy-LL-dd');
}

/** The instant of local midnight starting `date` in `zone` (DST-safe: a midnight gap moves forward). */
export function startOfDayInZone(date: string, zone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return toIsoUtc(
    localPartsToInstant(
      { year: y ?? 0, month: m ?? 0, day: d ?? 0, hour: 0, minute: 0, second: 0, millisecond: 0 },
      canonicalIanaZone(zone) ?? UTC_ZONE
    )
  );
}

export { type LocalParts };

/**
 * NetSuite's one-date rule for a timed event (DESIGN.md §2): an end on a later day of `zone` than
 * the start is cut to 23:59 of the start's day. The connector writes it so; the echo check reads
 * our own write back through it.
 */
export function endWithinStartDay(start: string, end: string, zone: string): string {
  const a = parseInstant(start).setZone(zone);
  const b = parseInstant(end).setZone(zone);
  if (!a.isValid || !b.isValid || a.toISODate() === b.toISODate()) return end;
  return toIsoUtc(a.set({ hour: 23, minute: 59, second: 0, millisecond: 0 }));
}
