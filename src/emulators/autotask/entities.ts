/**
 * The Autotask entities the emulator serves: field names cased as the REST API returns them,
 * their types, and which routes write them. Required and read-only flags follow the Autotask
 * entity pages; a field list is a subset of the swagger model (shapes checked by hand against it).
 */
export type FieldType = 'integer' | 'long' | 'double' | 'string' | 'datetime' | 'boolean';

export interface FieldDef {
  name: string;
  type: FieldType;
  required?: boolean;
  readOnly?: boolean;
  maxLength?: number;
  /** The entity an id field must point at. */
  references?: EntityName;
}

export type WriteVerb = 'create' | 'update' | 'delete';

export interface EntityDef {
  name: EntityName;
  fields: FieldDef[];
  /** Set on every write (Autotask's change cursor for this entity). */
  changeField?: string;
  /** Set once, on create. */
  createField?: string;
  creatorField?: string;
  /** Writes at the entity's own root (`POST /Appointments`, `DELETE /Appointments/{id}`). */
  rootWrites: WriteVerb[];
  /** Writes only through the parent: `/{parent}/{parentId}/{segment}`. */
  parent?: { entity: EntityName; segment: string; field: string; writes: WriteVerb[] };
  hasUserDefinedFields?: boolean;
}

export const ENTITY_NAMES = [
  'Appointments',
  'CompanyToDos',
  'ServiceCalls',
  'ServiceCallTickets',
  'ServiceCallTasks',
  'ServiceCallTicketResources',
  'ServiceCallTaskResources',
  'Tickets',
  'Tasks',
  'Resources',
  'Companies',
  'Contacts',
  'ActionTypes',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

const id: FieldDef = { name: 'id', type: 'long', readOnly: true };
const ro = (name: string, type: FieldType): FieldDef => ({ name, type, readOnly: true });
const req = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  required: true,
  ...extra,
});
const opt = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type, ...extra });

export const ENTITIES: Record<EntityName, EntityDef> = {
  Appointments: {
    name: 'Appointments',
    fields: [
      id,
      ro('createDateTime', 'datetime'),
      ro('creatorResourceID', 'integer'),
      opt('description', 'string', { maxLength: 8000 }),
      req('endDateTime', 'datetime'),
      req('resourceID', 'integer', { references: 'Resources' }),
      req('startDateTime', 'datetime'),
      req('title', 'string', { maxLength: 256 }),
      ro('updateDateTime', 'datetime'),
    ],
    changeField: 'updateDateTime',
    createField: 'createDateTime',
    creatorField: 'creatorResourceID',
    rootWrites: ['create', 'update', 'delete'],
  },
  CompanyToDos: {
    name: 'CompanyToDos',
    fields: [
      id,
      req('actionType', 'integer', { references: 'ActionTypes' }),
      opt('activityDescription', 'string', { maxLength: 32000 }),
      req('assignedToResourceID', 'long', { references: 'Resources' }),
      req('companyID', 'long', { references: 'Companies' }),
      opt('completedDate', 'datetime'),
      opt('contactID', 'long', { references: 'Contacts' }),
      opt('contractID', 'long'),
      ro('createDateTime', 'datetime'),
      ro('creatorResourceID', 'long'),
      req('endDateTime', 'datetime'),
      ro('impersonatorCreatorResourceID', 'integer'),
      ro('lastModifiedDate', 'datetime'),
      opt('opportunityID', 'long'),
      req('startDateTime', 'datetime'),
      opt('ticketID', 'long', { references: 'Tickets' }),
    ],
    changeField: 'lastModifiedDate',
    createField: 'createDateTime',
    creatorField: 'creatorResourceID',
    rootWrites: [],
    parent: { entity: 'Companies', segment: 'ToDos', field: 'companyID', writes: ['create', 'update', 'delete'] },
  },
  ServiceCalls: {
    name: 'ServiceCalls',
    fields: [
      id,
      ro('cancelationNoticeHours', 'double'),
      opt('canceledByResourceID', 'integer', { references: 'Resources' }),
      opt('canceledDateTime', 'datetime'),
      req('companyID', 'integer', { references: 'Companies' }),
      opt('companyLocationID', 'integer'),
      ro('createDateTime', 'datetime'),
      ro('creatorResourceID', 'integer'),
      opt('description', 'string', { maxLength: 2000 }),
      ro('duration', 'double'),
      req('endDateTime', 'datetime'),
      ro('impersonatorCreatorResourceID', 'integer'),
      opt('isComplete', 'integer'),
      ro('lastModifiedDateTime', 'datetime'),
      req('startDateTime', 'datetime'),
      opt('status', 'integer'),
    ],
    changeField: 'lastModifiedDateTime',
    createField: 'createDateTime',
    creatorField: 'creatorResourceID',
    rootWrites: ['create', 'update', 'delete'],
  },
  ServiceCallTickets: {
    name: 'ServiceCallTickets',
    fields: [
      id,
      req('serviceCallID', 'integer', { references: 'ServiceCalls' }),
      req('ticketID', 'integer', { references: 'Tickets' }),
    ],
    rootWrites: [],
    parent: { entity: 'ServiceCalls', segment: 'Tickets', field: 'serviceCallID', writes: ['create', 'delete'] },
  },
  ServiceCallTasks: {
    name: 'ServiceCallTasks',
    fields: [
      id,
      req('serviceCallID', 'integer', { references: 'ServiceCalls' }),
      req('taskID', 'integer', { references: 'Tasks' }),
    ],
    rootWrites: [],
    parent: { entity: 'ServiceCalls', segment: 'Tasks', field: 'serviceCallID', writes: ['create', 'delete'] },
  },
  ServiceCallTicketResources: {
    name: 'ServiceCallTicketResources',
    fields: [
      id,
      req('serviceCallTicketID', 'integer', { references: 'ServiceCallTickets' }),
      req('resourceID', 'integer', { references: 'Resources' }),
    ],
    rootWrites: [],
    parent: {
      entity: 'ServiceCallTickets',
      segment: 'Resources',
      field: 'serviceCallTicketID',
      writes: ['create', 'delete'],
    },
  },
  ServiceCallTaskResources: {
    name: 'ServiceCallTaskResources',
    fields: [
      id,
      req('serviceCallTaskID', 'integer', { references: 'ServiceCallTasks' }),
      req('resourceID', 'integer', { references: 'Resources' }),
    ],
    rootWrites: [],
    parent: {
      entity: 'ServiceCallTasks',
      segment: 'Resources',
      field: 'serviceCallTaskID',
      writes: ['create', 'delete'],
    },
  },
  Tickets: {
    name: 'Tickets',
    fields: [
      id,
      opt('companyID', 'integer', { references: 'Companies' }),
      ro('createDate', 'datetime'),
      opt('description', 'string', { maxLength: 8000 }),
      ro('lastActivityDate', 'datetime'),
      opt('status', 'integer'),
      ro('ticketNumber', 'string'),
      req('title', 'string', { maxLength: 255 }),
    ],
    changeField: 'lastActivityDate',
    createField: 'createDate',
    rootWrites: [],
  },
  Tasks: {
    name: 'Tasks',
    fields: [
      id,
      ro('createDateTime', 'datetime'),
      opt('description', 'string', { maxLength: 8000 }),
      ro('lastActivityDateTime', 'datetime'),
      opt('projectID', 'integer'),
      opt('status', 'integer'),
      ro('taskNumber', 'string'),
      req('title', 'string', { maxLength: 255 }),
    ],
    changeField: 'lastActivityDateTime',
    createField: 'createDateTime',
    rootWrites: [],
  },
  Resources: {
    name: 'Resources',
    fields: [
      id,
      opt('email', 'string', { maxLength: 50 }),
      opt('email2', 'string', { maxLength: 50 }),
      opt('email3', 'string', { maxLength: 50 }),
      req('firstName', 'string', { maxLength: 50 }),
      opt('isActive', 'boolean'),
      req('lastName', 'string', { maxLength: 50 }),
      opt('title', 'string', { maxLength: 50 }),
      opt('userName', 'string', { maxLength: 32 }),
    ],
    rootWrites: ['update'],
  },
  Companies: {
    name: 'Companies',
    fields: [
      id,
      opt('additionalAddressInformation', 'string', { maxLength: 100 }),
      opt('address1', 'string', { maxLength: 128 }),
      opt('address2', 'string', { maxLength: 128 }),
      opt('city', 'string', { maxLength: 30 }),
      req('companyName', 'string', { maxLength: 100 }),
      opt('countryID', 'integer'),
      ro('createDate', 'datetime'),
      opt('isActive', 'boolean'),
      ro('lastTrackedModifiedDateTime', 'datetime'),
      opt('phone', 'string', { maxLength: 25 }),
      opt('postalCode', 'string', { maxLength: 20 }),
      opt('state', 'string', { maxLength: 25 }),
    ],
    changeField: 'lastTrackedModifiedDateTime',
    createField: 'createDate',
    rootWrites: ['create', 'update'],
    hasUserDefinedFields: true,
  },
  Contacts: {
    name: 'Contacts',
    fields: [
      id,
      req('companyID', 'integer', { references: 'Companies' }),
      opt('emailAddress', 'string', { maxLength: 254 }),
      req('firstName', 'string', { maxLength: 50 }),
      opt('isActive', 'integer'),
      req('lastName', 'string', { maxLength: 50 }),
    ],
    rootWrites: [],
  },
  ActionTypes: {
    name: 'ActionTypes',
    fields: [
      id,
      opt('isActive', 'boolean'),
      ro('isSystemActionType', 'boolean'),
      req('name', 'string', { maxLength: 32 }),
      opt('view', 'integer'),
    ],
    rootWrites: ['create', 'update', 'delete'],
  },
};

const BY_LOWER = new Map(ENTITY_NAMES.map((name) => [name.toLowerCase(), name]));

/** Autotask resolves entity names in URLs without regard to case. */
export function entityByName(name: string): EntityDef | undefined {
  const found = BY_LOWER.get(name.toLowerCase());
  return found ? ENTITIES[found] : undefined;
}

/** The entity written under `/{parent}/{id}/{segment}`, e.g. Companies/…/ToDos → CompanyToDos. */
export function childEntity(parent: EntityName, segment: string): EntityDef | undefined {
  return Object.values(ENTITIES).find(
    (def) => def.parent?.entity === parent && def.parent.segment.toLowerCase() === segment.toLowerCase()
  );
}

export function fieldByName(def: EntityDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return def.fields.find((f) => f.name.toLowerCase() === lower);
}
