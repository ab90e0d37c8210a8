import { type EmulatedAccount } from './account';
import { ENUM_REF_NAMES, type StoredEvent } from './model';
import { describeRecurrence } from './recurrence-text';

/** Renders a stored event exactly as REST record v1 answers a GET. */
export function renderCalendarEvent(
  account: EmulatedAccount,
  event: StoredEvent,
  urls: { record: string; entity: (type: string, id: string) => string },
  options: { expandSubResources: boolean; fields?: Set<string> }
): Record<string, unknown> {
  const self = `${urls.record}/calendarevent/${event.id}`;
  const ref = (id: string) => {
    const entity = account.entities.get(id);
    return {
      links: [{ rel: 'self', href: urls.entity(entity?.type ?? 'employee', id) }],
      id,
      refName: entity?.name ?? id,
    };
  };
  const enumObject = (id: string) => ({ id, refName: ENUM_REF_NAMES[id] ?? id });
  const attendeeLines = event.attendees.map((line) => ({
    links: [],
    attendee: ref(line.entityId),
    response: enumObject(line.response),
    attendance: enumObject(line.attendance),
  }));
  const full: Record<string, unknown> = {
    links: [{ rel: 'self', href: self }],
    accessLevel: enumObject(event.accessLevel),
    allDayEvent: event.allDayEvent,
    attendee: options.expandSubResources
      ? {
          links: [{ rel: 'self', href: `${self}/attendee` }],
          count: attendeeLines.length,
          hasMore: false,
          items: attendeeLines,
          offset: 0,
          totalResults: attendeeLines.length,
        }
      : { links: [{ rel: 'self', href: `${self}/attendee` }] },
    createdDate: event.createdDate,
    customForm: { links: [], id: '-110', refName: 'Standard Event Form' },
    endTime: event.endTime || undefined,
    externalId: event.externalId,
    id: event.id,
    lastModifiedDate: event.lastModifiedDate,
    location: event.location || undefined,
    message: event.message || undefined,
    organizer: ref(event.organizerId),
    owner: ref(event.ownerId),
    recurrence: event.recurrence ? describeRecurrence(event.recurrence) : undefined,
    resource: { links: [{ rel: 'self', href: `${self}/resource` }] },
    startDate: event.startDate,
    startTime: event.startTime || undefined,
    status: enumObject(event.status),
    timedEvent: event.timedEvent,
    timezone: event.timezone || undefined,
    title: event.title,
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(full)) {
    if (value === undefined) continue; // NetSuite leaves empty fields out
    if (options.fields && key !== 'links' && !options.fields.has(key.toLowerCase())) continue;
    out[key] = value;
  }
  return out;
}
