import type { IncomingHttpHeaders } from 'node:http';

/** The Prefer preferences Graph honours on calendar requests. */
export interface Preferences {
  timeZone?: string;
  bodyType?: 'text' | 'html';
  maxPageSize?: number;
  immutableIds: boolean;
  raw: string[];
}

/** Parses every Prefer header line; values may be quoted; preferences are comma separated. */
export function parsePreferences(headers: IncomingHttpHeaders): Preferences {
  const header = headers.prefer;
  const raw = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const prefs: Preferences = { immutableIds: false, raw };
  for (const line of raw) {
    for (const part of line.match(/(?:[^,"]+|"[^"]*")+/g) ?? []) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
      const value =
        eq < 0
          ? ''
          : part
              .slice(eq + 1)
              .trim()
              .replace(/^"(.*)"$/, '$1');
      if (key === 'outlook.timezone') prefs.timeZone = value;
      else if (key === 'outlook.body-content-type') prefs.bodyType = value.toLowerCase() === 'text' ? 'text' : 'html';
      else if (key === 'odata.maxpagesize' && /^\d+$/.test(value)) prefs.maxPageSize = Number(value);
      else if (key === 'idtype') prefs.immutableIds = value.toLowerCase() === 'immutableid';
    }
  }
  return prefs;
}
