import {
  canonicalIanaZone,
  dateInZone,
  ianaToWindows,
  normalizeInstant,
  resolveTimeZone,
  startOfDayInZone,
  utcToWallClock,
  wallClockToUtc,
  windowsToIana,
} from '../../src/domain/time-zones';

describe('time-zone names', () => {
  it('maps Windows names to their CLDR default IANA zone, case-insensitively', () => {
    expect(windowsToIana('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(windowsToIana('w. europe standard time')).toBe('Europe/Berlin');
    expect(windowsToIana('India Standard Time')).toBe('Asia/Kolkata');
    expect(windowsToIana('Pacific Standard Time', 'CA')).toBe('America/Vancouver');
    expect(windowsToIana('No Such Standard Time')).toBeUndefined();
  });

  it('gives every alias of one zone the same canonical IANA name', () => {
    expect(canonicalIanaZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalIanaZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(canonicalIanaZone('asia/kolkata')).toBe('Asia/Kolkata');
    expect(canonicalIanaZone('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(canonicalIanaZone('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(canonicalIanaZone('US/Pacific')).toBe('America/Los_Angeles');
    expect(canonicalIanaZone('Etc/UTC')).toBe('UTC');
    expect(canonicalIanaZone('Mars/Olympus_Mons')).toBeUndefined();
  });

  it('maps IANA zones (including renamed ones) back to a Windows name Graph accepts', () => {
    expect(ianaToWindows('America/New_York')).toBe('Eastern Standard Time');
    expect(ianaToWindows('Asia/Kolkata')).toBe('India Standard Time');
    expect(ianaToWindows('Europe/Kyiv')).toBe('FLE Standard Time');
    expect(ianaToWindows('UTC')).toBe('UTC');
    expect(ianaToWindows('Nowhere/Land')).toBeUndefined();
  });

  it('round-trips every Windows zone CLDR knows through IANA to an equivalent Windows zone', () => {
    for (const name of [
      'Eastern Standard Time',
      'GMT Standard Time',
      'Tokyo Standard Time',
      'AUS Eastern Standard Time',
    ]) {
      const iana = windowsToIana(name);
      expect(iana).toBeDefined();
      expect(ianaToWindows(iana!)).toBe(name);
    }
  });

  it('resolves Microsoft markers: Utc is UTC, Custom falls back with a warning instead of throwing', () => {
    expect(resolveTimeZone('tzone://Microsoft/Utc')).toEqual({ kind: 'resolved', iana: 'UTC', source: 'utc-marker' });
    const custom = resolveTimeZone('tzone://Microsoft/Custom', { fallback: 'Europe/Paris' });
    expect(custom.kind).toBe('fallback');
    expect(custom.iana).toBe('Europe/Paris');
    expect(custom.kind === 'fallback' && custom.warning).toMatch(/custom/i);
  });

  it('falls back to UTC with a warning for unknown or missing names', () => {
    const unknown = resolveTimeZone('Greenwich Mean Time Zone of Nowhere');
    expect(unknown).toMatchObject({ kind: 'fallback', iana: 'UTC' });
    expect(resolveTimeZone(undefined)).toMatchObject({ kind: 'fallback', iana: 'UTC' });
    expect(resolveTimeZone('')).toMatchObject({ kind: 'fallback', iana: 'UTC' });
  });

  it('accepts IANA names as Graph may send them', () => {
    expect(resolveTimeZone('Europe/Berlin')).toEqual({ kind: 'resolved', iana: 'Europe/Berlin', source: 'iana' });
    expect(resolveTimeZone('UTC')).toMatchObject({ kind: 'resolved', iana: 'UTC' });
  });
});

describe('wall clock and UTC', () => {
  it('reads Graph 7-digit wall-clock values in a Windows zone', () => {
    expect(wallClockToUtc({ dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'W. Europe Standard Time' })).toEqual({
      ok: true,
      instant: '2026-07-01T07:00:00.000Z',
      zone: 'Europe/Berlin',
    });
  });

  it('reads a time inside the spring-forward gap with the offset before the gap (RFC 5545)', () => {
    const r = wallClockToUtc({ dateTime: '2026-03-08T02:30:00', timeZone: 'America/New_York' });
    expect(r).toMatchObject({ ok: true, instant: '2026-03-08T07:30:00.000Z' });
  });

  it('reads an ambiguous fall-back time as its first occurrence (RFC 5545)', () => {
    const r = wallClockToUtc({ dateTime: '2026-11-01T01:30:00', timeZone: 'America/New_York' });
    expect(r).toMatchObject({ ok: true, instant: '2026-11-01T05:30:00.000Z' });
    const berlin = wallClockToUtc({ dateTime: '2026-10-25T02:30:00', timeZone: 'Europe/Berlin' });
    expect(berlin).toMatchObject({ ok: true, instant: '2026-10-25T00:30:00.000Z' });
  });

  it('reports malformed wall-clock values instead of guessing', () => {
    expect(wallClockToUtc({ dateTime: '2026-02-30T10:00:00', timeZone: 'UTC' }).ok).toBe(false);
    expect(wallClockToUtc({ dateTime: 'tomorrow', timeZone: 'UTC' }).ok).toBe(false);
  });

  it('converts an unknown zone through UTC and says so', () => {
    const r = wallClockToUtc({ dateTime: '2026-01-01T10:00:00', timeZone: 'tzone://Microsoft/Custom' });
    expect(r).toMatchObject({ ok: true, instant: '2026-01-01T10:00:00.000Z', zone: 'UTC' });
    expect(r.ok && r.warning).toBeTruthy();
  });

  it('writes wall-clock values in Graph form and in plain form', () => {
    expect(utcToWallClock('2026-01-15T14:00:00Z', 'Asia/Kolkata')).toEqual({
      dateTime: '2026-01-15T19:30:00.0000000',
      timeZone: 'Asia/Kolkata',
    });
    expect(utcToWallClock('2026-01-15T14:00:00.250Z', 'UTC', { fractionDigits: 3 }).dateTime).toBe(
      '2026-01-15T14:00:00.250'
    );
    expect(utcToWallClock('2026-01-15T14:00:00Z', 'UTC', { fractionDigits: 0 }).dateTime).toBe('2026-01-15T14:00:00');
  });

  it('the NetSuite, Outlook and admin zones can differ and still agree on the instant', () => {
    const fromNetSuite = wallClockToUtc({ dateTime: '2026-05-04T08:00', timeZone: 'America/Los_Angeles' });
    expect(fromNetSuite.ok).toBe(true);
    const instant = fromNetSuite.ok ? fromNetSuite.instant : '';
    expect(utcToWallClock(instant, 'Europe/Berlin', { fractionDigits: 0 }).dateTime).toBe('2026-05-04T17:00:00');
    expect(utcToWallClock(instant, 'Asia/Tokyo', { fractionDigits: 0 }).dateTime).toBe('2026-05-05T00:00:00');
  });

  it('normalises instants to one spelling', () => {
    expect(normalizeInstant('2026-01-01T10:00:00+02:00')).toBe('2026-01-01T08:00:00.000Z');
    expect(normalizeInstant('2026-01-01T08:00:00Z')).toBe('2026-01-01T08:00:00.000Z');
  });

  it('finds the date and the start of a day in a zone', () => {
    expect(dateInZone('2026-01-01T23:30:00Z', 'Europe/Berlin')).toBe('2026-01-02');
    expect(dateInZone('2026-01-01T23:30:00Z', 'America/New_York')).toBe('2026-01-01');
    expect(startOfDayInZone('2026-03-29', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    // Santiago skips midnight on its spring-forward day: the day starts at 01:00 local.
    expect(startOfDayInZone('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
  });
});
