import { z } from 'zod';
import { autotaskInstant } from './datetime';

/**
 * The Autotask records calsync reads, validated where they enter. Objects are loose: Autotask adds
 * fields between releases, and we keep what we do not know rather than reject the record.
 * Fields Autotask may send as null are `nullish`; the inside then sees `null | undefined`.
 */

const id = z.number().int();
const optionalId = id.nullish();
const text = z.string().nullish();
const instant = autotaskInstant.nullish();

export const appointmentSchema = z.looseObject({
  id,
  resourceID: id,
  title: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  startDateTime: autotaskInstant,
  endDateTime: autotaskInstant,
  createDateTime: instant,
  creatorResourceID: optionalId,
  updateDateTime: instant,
});
export type Appointment = z.infer<typeof appointmentSchema>;

export const companyToDoSchema = z.looseObject({
  id,
  actionType: id,
  activityDescription: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  assignedToResourceID: id,
  companyID: id,
  completedDate: instant,
  contactID: optionalId,
  contractID: optionalId,
  opportunityID: optionalId,
  ticketID: optionalId,
  startDateTime: autotaskInstant,
  endDateTime: autotaskInstant,
  createDateTime: instant,
  creatorResourceID: optionalId,
  lastModifiedDate: instant,
});
export type CompanyToDo = z.infer<typeof companyToDoSchema>;

export const serviceCallSchema = z.looseObject({
  id,
  companyID: id,
  companyLocationID: optionalId,
  description: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  startDateTime: autotaskInstant,
  endDateTime: autotaskInstant,
  duration: z.number().nullish(),
  status: optionalId,
  // The swagger types it int32 (0/1); accept a boolean too, and give the inside a boolean.
  isComplete: z
    .union([z.number(), z.boolean()])
    .nullish()
    .transform((v) => v === true || v === 1),
  canceledDateTime: instant,
  canceledByResourceID: optionalId,
  createDateTime: instant,
  creatorResourceID: optionalId,
  lastModifiedDateTime: instant,
});
export type ServiceCall = z.infer<typeof serviceCallSchema>;

export const serviceCallTicketSchema = z.looseObject({ id, serviceCallID: id, ticketID: id });
export type ServiceCallTicket = z.infer<typeof serviceCallTicketSchema>;
export const serviceCallTaskSchema = z.looseObject({ id, serviceCallID: id, taskID: id });
export type ServiceCallTask = z.infer<typeof serviceCallTaskSchema>;
export const serviceCallTicketResourceSchema = z.looseObject({
  id,
  serviceCallTicketID: id,
  resourceID: id,
  roleID: optionalId,
});
export type ServiceCallTicketResource = z.infer<typeof serviceCallTicketResourceSchema>;
export const serviceCallTaskResourceSchema = z.looseObject({ id, serviceCallTaskID: id, resourceID: id });
export type ServiceCallTaskResource = z.infer<typeof serviceCallTaskResourceSchema>;

export const ticketSchema = z.looseObject({ id, ticketNumber: text, title: text });
export type Ticket = z.infer<typeof ticketSchema>;
export const taskSchema = z.looseObject({ id, taskNumber: text, title: text });
export type Task = z.infer<typeof taskSchema>;

export const resourceSchema = z.looseObject({
  id,
  firstName: text,
  lastName: text,
  email: text,
  email2: text,
  email3: text,
  userName: text,
  isActive: z.boolean().nullish(),
});
export type Resource = z.infer<typeof resourceSchema>;

export const companySchema = z.looseObject({
  id,
  companyName: text,
  address1: text,
  address2: text,
  city: text,
  state: text,
  postalCode: text,
  countryID: optionalId,
});
export type Company = z.infer<typeof companySchema>;

export const contactSchema = z.looseObject({ id, companyID: optionalId, firstName: text, lastName: text });
export type Contact = z.infer<typeof contactSchema>;

export const actionTypeSchema = z.looseObject({
  id,
  name: z.string(),
  isActive: z.boolean().nullish(),
  isSystemActionType: z.boolean().nullish(),
  view: optionalId,
});
export type ActionType = z.infer<typeof actionTypeSchema>;

/** For id scans (IncludeFields ["id", ...]): only the id is certain to be there. */
export const idOnlySchema = z.looseObject({ id });

// ---- response wrappers -------------------------------------------------------------------------

export const pageDetailsSchema = z.looseObject({
  count: z.number().int(),
  requestCount: z.number().int().nullish(),
  prevPageUrl: z.string().nullish(),
  nextPageUrl: z.string().nullish(),
});

export function queryPageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({ items: z.array(item), pageDetails: pageDetailsSchema });
}

/** GET by id: `{item}`; some releases answer a missing id with `{item: null}` instead of a 404. */
export function itemResultSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({ item: item.nullable() });
}

/** Create, update and delete answer `{itemId}`; the swagger leaves its type open, so take digits too. */
export const itemIdResultSchema = z.looseObject({
  itemId: z.union([id, z.string().regex(/^\d+$/).transform(Number)]),
});

export const queryCountSchema = z.looseObject({ queryCount: z.number().int() });

export const zoneInformationSchema = z.looseObject({
  zoneName: z.string().nullish(),
  url: z.url(),
  webUrl: z.string().nullish(),
  ci: z.number().int().nullish(),
});
export type ZoneInformation = z.infer<typeof zoneInformationSchema>;

export const thresholdInformationSchema = z.looseObject({
  externalRequestThreshold: z.number().int(),
  requestThresholdTimeframe: z.number().int(),
  currentTimeframeRequestCount: z.number().int(),
});
export type ThresholdInformation = z.infer<typeof thresholdInformationSchema>;

/** Autotask's error bodies: `{errors: [...]}` from the API, `{Message}` from the IIS/Web API layer. */
export const errorsBodySchema = z.looseObject({ errors: z.array(z.string()) });
export const messageBodySchema = z.looseObject({ Message: z.string() });
