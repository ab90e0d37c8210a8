import { randomBytes } from 'node:crypto';

/**
 * Identifiers in Exchange's style. Immutable ids are opaque URL-safe base64 that may end in "=";
 * an occurrence id encodes its master and original date, so it is stable across reads, as in Graph.
 */

export function newEventId(): string {
  return `AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A${randomBytes(30).toString('base64url')}AAA=`;
}

export function newChangeKey(): string {
  return randomBytes(16).toString('base64');
}

/** An Exchange global object id in hex, as iCalUId carries it. */
export function newICalUid(): string {
  return `040000008200E00074C5B7101A82E00800000000${randomBytes(28).toString('hex').toUpperCase()}`;
}

/**
 * Each occurrence has its own iCalUId: the series' global object id with the occurrence date in
 * bytes 16–19 (year, month, day), as Exchange encodes it; every copy of the meeting shares it.
 */
export function occurrenceICalUid(masterICalUid: string, date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  return `${masterICalUid.slice(0, 32)}${hex(y ?? 0, 4)}${hex(m ?? 0, 2)}${hex(d ?? 0, 2)}${masterICalUid.slice(40)}`;
}

const occurrencePrefix = 'AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0BOcc';

export function occurrenceId(masterId: string, date: string): string {
  return `${occurrencePrefix}${Buffer.from(`${masterId}|${date}`).toString('base64url')}`;
}

export function parseOccurrenceId(id: string): { masterId: string; date: string } | undefined {
  if (!id.startsWith(occurrencePrefix)) return undefined;
  const decoded = Buffer.from(id.slice(occurrencePrefix.length), 'base64url').toString();
  const match = /^(.+)\|(\d{4}-\d{2}-\d{2})$/.exec(decoded);
  return match?.[1] && match[2] ? { masterId: match[1], date: match[2] } : undefined;
}

export function cancelledOccurrenceId(masterId: string, date: string): string {
  return `OID.${masterId}.${date}`;
}

export function newOpaqueToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Without `Prefer: IdType="ImmutableId"` Graph hands out ids that change when an item moves. The
 * emulator gives such requests a different spelling of the same id, so that a client that forgets
 * the header gets ids that do not match the ones it stored.
 */
const restIdPrefix = 'AAMkAGRest';

export function presentId(id: string, immutable: boolean): string {
  return immutable ? id : `${restIdPrefix}${Buffer.from(id).toString('base64url')}`;
}

export function acceptId(id: string): string {
  return id.startsWith(restIdPrefix) ? Buffer.from(id.slice(restIdPrefix.length), 'base64url').toString() : id;
}
