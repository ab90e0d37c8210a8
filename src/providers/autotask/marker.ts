import { createHash } from 'node:crypto';

/**
 * Appointments have no external-id field and no user-defined fields, so the mark that says
 * "calsync made this, for that item" lives on the last line of the description:
 * `[calsync:<ref>]`. The ref is derived from our ids (hashed: Graph ids are long and say nothing
 * to an Autotask user), so a retried create can find its earlier result, and an occurrence of an
 * Outlook series carries its series and its occurrence (the original start).
 */
const MARKER = /(?:\r?\n)*\[calsync:([A-Za-z0-9=;._:-]+)\]\s*$/;

export type MarkerRef =
  { kind: 'item'; itemKey: string } | { kind: 'occurrence'; seriesKey: string; occurrenceId: string };

export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 16);
}

/** The ref of a single item (an Outlook event, or our item id). */
export function itemRef(itemId: string): string {
  return `e=${shortHash(itemId)}`;
}

/**
 * The ref of one occurrence of a series: the series key is shared by every occurrence, the
 * occurrence id is its original start in compact UTC (20260308T093000Z) or date (20260308).
 */
export function occurrenceRef(seriesId: string, originalStart: string): string {
  return `s=${shortHash(seriesId)};o=${compactStart(originalStart)}`;
}

export function compactStart(originalStart: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(originalStart)) return originalStart.replaceAll('-', '');
  const iso = new Date(originalStart).toISOString();
  return iso.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function parseRef(ref: string): MarkerRef | undefined {
  const item = /^e=([A-Za-z0-9_-]+)$/.exec(ref);
  if (item?.[1]) return { kind: 'item', itemKey: item[1] };
  const occ = /^s=([A-Za-z0-9_-]+);o=(\d{8}(?:T\d{6}Z)?)$/.exec(ref);
  if (occ?.[1] && occ[2]) return { kind: 'occurrence', seriesKey: occ[1], occurrenceId: occ[2] };
  return undefined;
}

export function markerLine(ref: string): string {
  return `[calsync:${ref}]`;
}

/** The description with our mark as its last line, the text cut so the whole fits in `maxLength`. */
export function withMarker(description: string, ref: string, maxLength: number = 8000): string {
  const line = markerLine(ref);
  const text = stripMarker(description).text.trimEnd();
  if (text === '') return line;
  const room = maxLength - line.length - 2;
  return `${text.length > room ? text.slice(0, Math.max(0, room - 1)) + '…' : text}\n\n${line}`;
}

/** Splits a description into the user's text and our ref (if it carries one). */
export function stripMarker(description: string): { text: string; ref?: string } {
  const match = MARKER.exec(description);
  if (!match) return { text: description };
  return { text: description.slice(0, match.index).trimEnd(), ref: match[1] };
}
