import { z } from 'zod';

/**
 * Autotask keeps every entity time in UTC, but the text varies: with or without fractions (up to
 * seven digits from .NET), and sometimes without the Z. We accept all of them at the edge and hand
 * the inside one form: ISO-8601 with milliseconds and Z, as the canonical event uses.
 */
const AUTOTASK_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?(Z|[+-]00:00)?$/;

export function parseAutotaskInstant(text: string): string | undefined {
  const match = AUTOTASK_INSTANT.exec(text.trim());
  if (!match) return undefined;
  const millis = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  const date = new Date(`${match[1]}.${millis}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A zod field for Autotask date-times; the output is always `YYYY-MM-DDTHH:mm:ss.SSSZ`. */
export const autotaskInstant = z.string().transform((text, ctx) => {
  const parsed = parseAutotaskInstant(text);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an Autotask UTC date-time: "${text}"` });
    return z.NEVER;
  }
  return parsed;
});

/** The form we write: whole seconds with Z, which every Autotask release accepts. */
export function formatAutotaskInstant(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The form we filter with: milliseconds kept, so a cursor never skips a sub-second write. */
export function formatAutotaskFilterInstant(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return date.toISOString();
}
