import { IANAZone } from 'luxon';
import { type EmulatedAccount } from './account';
import { NetSuiteFault, invalidContent } from './errors';
import {
  ACCESS_LEVELS,
  ATTENDANCES,
  ATTENDEE_RESPONSES,
  ENUM_REF_NAMES,
  EVENT_STATUSES,
  type StoredAttendee,
  type StoredEvent,
} from './model';

/** Every calendarEvent property of REST record v1 (2026.1); writes naming anything else are unknown. */
const KNOWN_PROPERTIES = [
  'accessLevel',
  'allDayEvent',
  'attendee',
  'bom',
  'bomRevision',
  'company',
  'completedDate',
  'contact',
  'createdDate',
  'customForm',
  'endTime',
  'externalId',
  'id',
  'lastModifiedDate',
  'links',
  'location',
  'message',
  'mfgRouting',
  'organizer',
  'owner',
  'recurrence',
  'refName',
  'relatedItem',
  'reminderMinutes',
  'reminderType',
  'resource',
  'response',
  'startDate',
  'startTime',
  'status',
  'supportCase',
  'timeItem',
  'timedEvent',
  'timezone',
  'title',
  'transaction',
];
const CANONICAL_NAME = new Map(KNOWN_PROPERTIES.map((name) => [name.toLowerCase(), name]));
const READ_ONLY = new Set(['id', 'links', 'createdDate', 'lastModifiedDate', 'owner', 'refName', 'recurrence']);

export type NameValidation = 'Error' | 'Warning' | 'Ignore';

export interface WriteOutcome {
  /** Property names that were not recognised (reported as a warning when validation is Warning). */
  unknown: string[];
}

/**
 * Applies a REST write body to an event. Property names match case-insensitively (Oracle's own
 * sample writes lowercase keys); sublists append unless `replace` names them.
 */
export function applyRestWrite(
  account: EmulatedAccount,
  target: StoredEvent,
  body: unknown,
  options: { validation: NameValidation; replace: Set<string> }
): WriteOutcome {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new NetSuiteFault(
      400,
      'INVALID_REQUEST',
      'The request could not be understood by the server due to malformed syntax.'
    );
  }
  const unknown: string[] = [];
  for (const [rawName, value] of Object.entries(body as Record<string, unknown>)) {
    const name = CANONICAL_NAME.get(rawName.toLowerCase());
    if (!name) {
      unknown.push(rawName);
      continue;
    }
    if (READ_ONLY.has(name)) continue;
    applyField(account, target, name, value, options.replace);
  }
  if (unknown.length && options.validation === 'Error') {
    throw invalidContent(`Invalid field name(s): ${unknown.join(', ')}.`, unknown[0]);
  }
  if (target.allDayEvent) {
    target.timedEvent = false;
    target.startTime = '08:00';
    target.endTime = '18:00';
  }
  return { unknown };
}

function applyField(
  account: EmulatedAccount,
  target: StoredEvent,
  name: string,
  value: unknown,
  replace: Set<string>
): void {
  switch (name) {
    case 'title':
    case 'message':
    case 'location':
      target[name] = value === null ? '' : str(name, value);
      return;
    case 'externalId':
      target.externalId = str(name, value);
      return;
    case 'timezone': {
      const zone = value === null ? '' : str(name, value);
      if (zone && !IANAZone.isValidZone(zone)) throw invalidContent(`Invalid time zone ${zone}.`, name);
      target.timezone = zone;
      return;
    }
    case 'startDate': {
      const date = str(name, value);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw invalidContent(`Invalid date value ${date}.`, name);
      target.startDate = date;
      return;
    }
    case 'startTime':
    case 'endTime':
      target[name] = value === null ? '' : wallClock(name, str(name, value));
      return;
    case 'allDayEvent':
      target.allDayEvent = bool(name, value);
      target.timedEvent = !target.allDayEvent;
      return;
    case 'timedEvent':
      target.timedEvent = bool(name, value);
      target.allDayEvent = !target.timedEvent;
      return;
    case 'accessLevel':
      target.accessLevel = enumValue(name, value, ACCESS_LEVELS, { SHOW_AS_BUSY: 'SHOW AS BUSY' });
      return;
    case 'status':
      target.status = enumValue(name, value, EVENT_STATUSES, {});
      return;
    case 'organizer':
      target.organizerId = entityRef(account, name, value);
      return;
    case 'attendee': {
      const items = sublistItems(name, value).map((item, index) =>
        attendeeLine(account, item, `attendee.items[${index}]`)
      );
      target.attendees = replace.has('attendee') ? items : [...target.attendees, ...items];
      return;
    }
    default:
      // Fields the emulator stores nothing for (customForm, company, reminders, ...) are accepted and dropped.
      return;
  }
}

function attendeeLine(account: EmulatedAccount, item: unknown, path: string): StoredAttendee {
  if (typeof item !== 'object' || item === null) throw invalidContent('Invalid sublist line.', path);
  const line = item as Record<string, unknown>;
  return {
    entityId: entityRef(account, `${path}.attendee`, line['attendee']),
    response:
      line['response'] === undefined
        ? 'NO_RESPONSE'
        : enumValue(`${path}.response`, line['response'], ATTENDEE_RESPONSES, {}),
    attendance:
      line['attendance'] === undefined
        ? 'REQUIRED'
        : enumValue(`${path}.attendance`, line['attendance'], ATTENDANCES, {}),
  };
}

function sublistItems(path: string, value: unknown): unknown[] {
  const items = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['items'] : undefined;
  if (!Array.isArray(items)) throw invalidContent('A sublist must be written as {"items": [...]}.', path);
  return items;
}

function entityRef(account: EmulatedAccount, path: string, value: unknown): string {
  const id = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['id'] : undefined;
  const key = typeof id === 'number' ? String(id) : id;
  if (typeof key !== 'string' || !account.entities.has(key)) {
    throw invalidContent(
      `You have entered an Invalid Field Value ${String(key)} for the following field: ${path.split('.').pop()}`,
      path
    );
  }
  return key;
}

function enumValue<T extends string>(
  path: string,
  value: unknown,
  members: readonly T[],
  aliases: Record<string, T>
): T {
  if (typeof value !== 'object' || value === null)
    throw invalidContent(`Invalid value for ${path}: expected {"id": ...}.`, path);
  const { id, refName } = value as { id?: unknown; refName?: unknown };
  if (typeof id === 'string') {
    const member = members.find((m) => m === id) ?? aliases[id];
    if (member) return member;
  }
  if (typeof refName === 'string') {
    const member = members.find((m) => ENUM_REF_NAMES[m]?.toLowerCase() === refName.toLowerCase());
    if (member) return member;
  }
  throw invalidContent(
    `You have entered an Invalid Field Value ${String(id ?? refName)} for the following field: ${path}`,
    path
  );
}

function str(path: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidContent(`Invalid value for ${path}: expected a string.`, path);
  return value;
}

function bool(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidContent(`Invalid value for ${path}: expected a boolean.`, path);
  return value;
}

function wallClock(path: string, value: string): string {
  const match = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(value);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59)
    throw invalidContent(`Invalid time value ${value}.`, path);
  return `${match[1]!.padStart(2, '0')}:${match[2]}`;
}
