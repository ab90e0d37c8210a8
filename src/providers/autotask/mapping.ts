import { DateTime } from 'luxon';
import {
  parseCanonicalEvent,
  type CanonicalEvent,
  type CanonicalEventInput,
  type Timing,
} from '../../domain/canonical-event';
import { allDayToInstants, instantsToAllDay } from './all-day';
import { type NewAppointment, type NewToDo } from './autotask-client';
import { itemRef, occurrenceRef, parseRef, stripMarker, withMarker, type MarkerRef } from './marker';
import { type Appointment, type CompanyToDo, type Resource } from './models';
import { companyAddress, serviceCallDescription, serviceCallSubject } from './service-call-text';
import { type ServiceCallDetails } from './service-call-details';

/**
 * Autotask ↔ canonical, following the rules of the Autotask Outlook integration calsync replaces:
 *  - Outlook → Appointment: subject → title, description → description, all-day → the user's
 *    whole local days; a private event is titled "Appointment" and carries no description.
 *  - Outlook → To-Do (by policy): needs a company and an action type (default configurable).
 *  - Appointment → Outlook: title → subject. To-Do → Outlook: company/contact and action type are
 *    added to the subject. Service Call → Outlook: "Service Call: <company>", a fixed description
 *    layout, location = the company's address.
 *  - A recurring Outlook series → one Appointment per occurrence in the window, each marked with
 *    its series and occurrence (original start).
 */

export const PRIVATE_TITLE = 'Appointment';
export const TITLE_MAX = 256;
export const APPOINTMENT_DESCRIPTION_MAX = 8000;
export const TODO_DESCRIPTION_MAX = 32000;

export interface AutotaskUser {
  /** The user's Autotask resource (their appointments and to-dos belong to it). */
  resourceID: number;
  /** The user's IANA time zone: all-day events cover its local days. */
  timeZone: string;
}

// ---- Outlook → Autotask -------------------------------------------------------------------------

function isPrivate(event: CanonicalEvent): boolean {
  // Outlook's private, personal and confidential all arrive as non-public: none may leak.
  return event.visibility !== 'public';
}

function instantsOf(timing: Timing, user: AutotaskUser): { start: string; end: string } {
  if (timing.allDay) return allDayToInstants(timing.startDate, timing.endDate, user.timeZone);
  return { start: timing.start, end: timing.end };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Title and description as Autotask may see them (private events show neither). */
export function visibleText(event: CanonicalEvent): { title: string; description: string } {
  if (isPrivate(event)) return { title: PRIVATE_TITLE, description: '' };
  return { title: event.title.trim() === '' ? PRIVATE_TITLE : event.title, description: event.description };
}

/** The Appointment for an Outlook event; `ref` (marker.ts) goes into the description for idempotent creates. */
export function toAppointment(event: CanonicalEvent, user: AutotaskUser, ref: string): NewAppointment {
  const { title, description } = visibleText(event);
  const { start, end } = instantsOf(event.timing, user);
  return {
    resourceID: user.resourceID,
    title: clip(title, TITLE_MAX),
    description: withMarker(description, ref, APPOINTMENT_DESCRIPTION_MAX),
    startDateTime: start,
    endDateTime: end,
  };
}

export interface ToDoTarget {
  companyID: number;
  actionTypeID: number;
  contactID?: number;
}

/** A To-Do has no title: its activity description holds the subject, then the description. */
export function toToDo(event: CanonicalEvent, user: AutotaskUser, target: ToDoTarget): NewToDo {
  const { title, description } = visibleText(event);
  const { start, end } = instantsOf(event.timing, user);
  const activity = description.trim() === '' ? title : `${title}\n\n${description}`;
  return {
    companyID: target.companyID,
    actionType: target.actionTypeID,
    assignedToResourceID: user.resourceID,
    contactID: target.contactID,
    activityDescription: clip(activity, TODO_DESCRIPTION_MAX),
    startDateTime: start,
    endDateTime: end,
  };
}

export interface OutlookToAutotaskPolicy {
  /** Which Outlook events go to Autotask: all, or only those with this category. */
  selection: { kind: 'all' } | { kind: 'category'; category: string };
  /** Events with this category become To-Dos instead of Appointments. */
  toDo?: { category: string; defaultActionTypeID: number; defaultCompanyID?: number };
}

export type OutlookToAutotaskPlan =
  | { kind: 'appointment'; fields: NewAppointment }
  | { kind: 'todo'; fields: NewToDo }
  | { kind: 'skip'; reason: string };

function hasCategory(event: CanonicalEvent, category: string): boolean {
  const wanted = category.trim().toLowerCase();
  return event.categories.some((c) => c.trim().toLowerCase() === wanted);
}

/** Decides what an Outlook event becomes in Autotask under the organisation's policy. */
export function planOutlookEvent(
  event: CanonicalEvent,
  user: AutotaskUser,
  policy: OutlookToAutotaskPolicy,
  ref: string
): OutlookToAutotaskPlan {
  if (policy.selection.kind === 'category' && !hasCategory(event, policy.selection.category)) {
    return { kind: 'skip', reason: `not in category "${policy.selection.category}"` };
  }
  if (event.status === 'cancelled') return { kind: 'skip', reason: 'cancelled' };
  if (policy.toDo && hasCategory(event, policy.toDo.category)) {
    const companyID = event.extras.autotask?.companyId ?? policy.toDo.defaultCompanyID;
    if (companyID === undefined) return { kind: 'skip', reason: 'a To-Do needs a company and none is set' };
    const actionTypeID = event.extras.autotask?.actionTypeId ?? policy.toDo.defaultActionTypeID;
    return { kind: 'todo', fields: toToDo(event, user, { companyID, actionTypeID }) };
  }
  return { kind: 'appointment', fields: toAppointment(event, user, ref) };
}

export interface OccurrenceAppointment {
  seriesId: string;
  /** The occurrence's original start: its identity inside the series. */
  occurrenceId: string;
  ref: string;
  fields: NewAppointment;
}

/**
 * One Appointment per occurrence of an Outlook series that overlaps the window (Autotask has no
 * recurrence). Called again as the window rolls, it yields the new occurrences with the same
 * refs as before for the old ones, so findOrCreateAppointment never duplicates.
 */
export function seriesToAppointments(
  seriesId: string,
  occurrences: readonly CanonicalEvent[],
  window: { start: string; end: string },
  user: AutotaskUser
): OccurrenceAppointment[] {
  const from = Date.parse(window.start);
  const to = Date.parse(window.end);
  const out: OccurrenceAppointment[] = [];
  for (const occurrence of occurrences) {
    if (occurrence.status === 'cancelled') continue;
    const { start, end } = instantsOf(occurrence.timing, user);
    if (Date.parse(start) >= to || Date.parse(end) <= from) continue;
    const occurrenceId = occurrence.originalStart ?? start;
    const ref = occurrenceRef(seriesId, occurrenceId);
    out.push({ seriesId, occurrenceId, ref, fields: toAppointment(occurrence, user, ref) });
  }
  return out;
}

/** The ref of a single (non-recurring) Outlook item, derived from our item id. */
export const singleItemRef = itemRef;

// ---- Autotask → Outlook -------------------------------------------------------------------------

export interface FromAutotask {
  event: CanonicalEvent;
  /** The marker calsync left on it, when calsync created it. */
  ref?: MarkerRef;
}

function timingOf(start: string, end: string, user: AutotaskUser): Timing {
  const days = instantsToAllDay(start, end, user.timeZone);
  if (days) return { allDay: true, startDate: days.startDate, endDate: days.endDate, timeZone: user.timeZone };
  return { allDay: false, start, end, timeZone: user.timeZone };
}

function build(input: CanonicalEventInput): CanonicalEvent {
  return parseCanonicalEvent(input);
}

export function fromAppointment(appointment: Appointment, user: AutotaskUser): FromAutotask {
  const { text, ref } = stripMarker(appointment.description);
  const parsedRef = ref === undefined ? undefined : parseRef(ref);
  const originalStart = parsedRef?.kind === 'occurrence' ? expandCompactStart(parsedRef.occurrenceId) : undefined;
  const event = build({
    kind: originalStart === undefined ? 'event' : 'occurrence',
    title: appointment.title,
    description: text,
    timing: timingOf(appointment.startDateTime, appointment.endDateTime, user),
    originalStart,
  });
  return parsedRef === undefined ? { event } : { event, ref: parsedRef };
}

export interface ToDoNames {
  companyName: string;
  contactName?: string;
  actionTypeName: string;
}

/** "<subject> – <company> / <contact> – <action type>" (the contact only when the To-Do has one). */
export function toDoSubject(activityDescription: string, names: ToDoNames): string {
  const subject = activityDescription.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const who = [names.companyName, names.contactName].filter((s): s is string => !!s && s.trim() !== '').join(' / ');
  return [subject, who, names.actionTypeName].filter((s) => s.trim() !== '').join(' – ');
}

/**
 * A To-Do as Outlook shows it. One calsync made from an Outlook event (by a To-Do rule; it ends
 * with our marker) keeps the subject its author typed: decorating it would rewrite the author's
 * own event (and its NetSuite copy) once, for names they chose by category. Any other To-Do gets
 * the company / contact / action type decoration. Our marker never reaches Outlook.
 */
export function fromToDo(toDo: CompanyToDo, names: ToDoNames, user: AutotaskUser): FromAutotask {
  const { text, ref } = stripMarker(toDo.activityDescription);
  const [first = '', ...rest] = text.split(/\r?\n/);
  const parsedRef = ref === undefined ? undefined : parseRef(ref);
  const event = build({
    kind: 'todo',
    title: ref === undefined ? toDoSubject(text, names) : first.trim(),
    description: rest.join('\n').trim(),
    timing: timingOf(toDo.startDateTime, toDo.endDateTime, user),
    extras: {
      autotask: {
        companyId: toDo.companyID,
        companyName: names.companyName,
        contactName: names.contactName,
        actionTypeId: toDo.actionType,
        actionTypeName: names.actionTypeName,
      },
    },
  });
  return parsedRef === undefined ? { event } : { event, ref: parsedRef };
}

function personName(resource: Resource): string | undefined {
  const name = [resource.firstName, resource.lastName].filter((s) => !!s && s.trim() !== '').join(' ');
  return name === '' ? undefined : name;
}

export function fromServiceCall(details: ServiceCallDetails, user: AutotaskUser): FromAutotask {
  const companyName = details.company?.companyName ?? `Company ${details.call.companyID}`;
  const event = build({
    kind: 'service-call',
    title: serviceCallSubject(companyName),
    description: serviceCallDescription(details),
    location: companyAddress(details.company),
    timing: timingOf(details.call.startDateTime, details.call.endDateTime, user),
    status: details.call.canceledDateTime ? 'cancelled' : 'confirmed',
    attendees: details.resources
      .filter((r) => !!r.email)
      .map((r) => ({ email: r.email ?? '', name: personName(r), type: 'required' as const })),
    extras: {
      autotask: {
        companyId: details.call.companyID,
        companyName,
        tickets: details.work.map((w) => ({ number: w.number, title: w.title })),
      },
    },
  });
  return { event };
}

/** 20260308T093000Z → 2026-03-08T09:30:00.000Z; 20260308 → 2026-03-08. */
export function expandCompactStart(compact: string): string {
  if (/^\d{8}$/.test(compact)) return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
  const parsed = DateTime.fromFormat(compact, "yyyyMMdd'T'HHmmss'Z'", { zone: 'utc' });
  return parsed.isValid ? (parsed.toISO() ?? compact) : compact;
}
