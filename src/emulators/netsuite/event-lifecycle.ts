import { type EmulatedAccount } from './account';
import { NetSuiteFault } from './errors';
import { type ExecutionContext, type StoredEvent } from './model';

/** A new event as NetSuite defaults it: public, confirmed, organised and owned by the current user. */
export function draftEvent(account: EmulatedAccount, byEmployeeId: string): StoredEvent {
  return {
    id: '',
    title: '',
    message: '',
    location: '',
    startDate: '',
    startTime: '',
    endTime: '',
    allDayEvent: false,
    timedEvent: true,
    timezone: '',
    accessLevel: 'PUBLIC',
    status: 'CONFIRMED',
    organizerId: byEmployeeId,
    ownerId: byEmployeeId,
    attendees: [],
    createdDate: '',
    lastModifiedDate: '',
  };
}

function checkMandatory(event: StoredEvent): void {
  const missing = [!event.title && 'Event Title', !event.startDate && 'Date'].filter(Boolean);
  if (missing.length) throw new NetSuiteFault(400, 'USER_ERROR', `Please enter value(s) for: ${missing.join(', ')}`);
  if (event.externalId !== undefined && !/^[A-Za-z0-9_-]{1,255}$/.test(event.externalId)) {
    throw new NetSuiteFault(400, 'INVALID_CONTENT', `Invalid external id ${event.externalId}.`, {
      'o:errorPath': 'externalId',
    });
  }
}

export function commitCreate(
  account: EmulatedAccount,
  draft: StoredEvent,
  context: ExecutionContext,
  byEmployeeId: string
): StoredEvent {
  checkMandatory(draft);
  if (draft.externalId && account.findByExternalId(draft.externalId)) {
    throw new NetSuiteFault(400, 'DUP_RCRD', 'A record with this external id already exists.');
  }
  const stamp = account.stamp();
  const event: StoredEvent = { ...draft, id: account.allocateId(), createdDate: stamp, lastModifiedDate: stamp };
  account.events.set(event.id, event);
  account.onChange({ type: 'create', event, context, byEmployeeId });
  return event;
}

export function commitUpdate(
  account: EmulatedAccount,
  updated: StoredEvent,
  context: ExecutionContext,
  byEmployeeId: string,
  type: 'edit' | 'xedit' = 'edit'
): StoredEvent {
  checkMandatory(updated);
  const event: StoredEvent = { ...updated, lastModifiedDate: account.stamp() };
  account.events.set(event.id, event);
  account.onChange({ type, event, context, byEmployeeId });
  return event;
}

export function commitDelete(
  account: EmulatedAccount,
  event: StoredEvent,
  context: ExecutionContext,
  byEmployeeId: string
): void {
  account.events.delete(event.id);
  account.onChange({ type: 'delete', event, context, byEmployeeId });
}

/** Deep enough copy for an edit that may fail half-way. */
export function cloneEvent(event: StoredEvent): StoredEvent {
  return structuredClone(event);
}
