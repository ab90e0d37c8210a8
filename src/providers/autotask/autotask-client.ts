import { type z } from 'zod';
import { type CallGate, inProcessGate } from '../call-gate';
import type { CallObserver } from '../call-observer';
import { formatAutotaskInstant } from './datetime';
import { invalidRequest, invalidResponse, isAutotaskError } from './errors';
import {
  actionTypeSchema,
  appointmentSchema,
  companySchema,
  companyToDoSchema,
  contactSchema,
  itemIdResultSchema,
  itemResultSchema,
  queryCountSchema,
  queryPageSchema,
  resourceSchema,
  serviceCallSchema,
  thresholdInformationSchema,
  type ActionType,
  type Appointment,
  type Company,
  type CompanyToDo,
  type Contact,
  type Resource,
  type ServiceCall,
  type ThresholdInformation,
} from './models';
import {
  ALL_ROWS,
  chunk,
  toQueryBody,
  where,
  type AutotaskEntity,
  type Filter,
  type QueryBody,
  type QueryRequest,
} from './query';
import { AutotaskTransport, type AutotaskCredentials } from './transport';

export interface AutotaskClientOptions {
  credentials: AutotaskCredentials;
  /** Names the tenant's Autotask database in gate keys; defaults to the integration code. */
  databaseId?: string;
  /** Admits each request (thread limit, hourly budget). Defaults to 3 per endpoint in this process. */
  gate?: CallGate;
  /** Defaults to Autotask's global zoneInformation endpoint; the emulator's for tests and sandbox. */
  zoneLookupUrl?: string;
  timeoutMs?: number;
  impersonationResourceId?: number;
  legacyTls?: boolean;
  /** Hears every call and its outcome (metrics). */
  onCall?: CallObserver;
}

export interface NewAppointment {
  resourceID: number;
  title: string;
  description?: string;
  startDateTime: string;
  endDateTime: string;
}
export type AppointmentPatch = { id: number } & Partial<NewAppointment>;

export interface NewToDo {
  companyID: number;
  actionType: number;
  assignedToResourceID: number;
  activityDescription?: string;
  startDateTime: string;
  endDateTime: string;
  contactID?: number | null;
  ticketID?: number | null;
  completedDate?: string | null;
}
/** To-Do writes go through the parent company, so the company id is always needed. */
export type ToDoPatch = { id: number; companyID: number } & Partial<Omit<NewToDo, 'companyID'>>;

export type DeleteResult = { deleted: true } | { deleted: false; reason: 'missing' };

const TIME_FIELDS = new Set(['startDateTime', 'endDateTime', 'completedDate']);

/**
 * The Autotask REST client calsync uses: Appointments, CompanyToDos (written through their
 * company), ServiceCalls and their tickets/tasks (read only), and the look-ups the mapping needs.
 * Every request passes the injected CallGate; every error is a ProviderError (provider 'autotask').
 */
export class AutotaskClient {
  readonly transport: AutotaskTransport;

  constructor(options: AutotaskClientOptions) {
    this.transport = new AutotaskTransport({
      credentials: options.credentials,
      databaseId: options.databaseId ?? options.credentials.integrationCode,
      gate: options.gate ?? inProcessGate(3),
      zoneLookupUrl: options.zoneLookupUrl,
      timeoutMs: options.timeoutMs,
      impersonationResourceId: options.impersonationResourceId,
      legacyTls: options.legacyTls,
      onCall: options.onCall,
    });
  }

  // ---- generic query ---------------------------------------------------------------------------

  /** Yields each page of a query, following nextPageUrl by re-POSTing the same body. */
  async *queryPages<S extends z.ZodType>(
    entity: AutotaskEntity,
    schema: S,
    request: QueryRequest
  ): AsyncGenerator<z.output<S>[]> {
    const body = queryBody(`${entity}.query`, request);
    const pageSchema = queryPageSchema(schema);
    let next: string | undefined;
    let page = 0;
    do {
      const result = await this.transport.send({
        operation: `${entity}.query`,
        endpoint: entity,
        method: 'POST',
        path: `${entity}/query`,
        absoluteUrl: next,
        body,
        schema: pageSchema,
      });
      if (result === null) return;
      yield result.items;
      next = result.pageDetails.nextPageUrl ?? undefined;
      page += 1;
      // A server that hands out the same link forever would otherwise spin here.
      if (page > 10_000) throw invalidResponse(`${entity}.query`, 200, 'more than 10,000 pages; refusing to continue');
    } while (next);
  }

  async queryAll<S extends z.ZodType>(
    entity: AutotaskEntity,
    schema: S,
    request: QueryRequest
  ): Promise<z.output<S>[]> {
    const out: z.output<S>[] = [];
    for await (const items of this.queryPages(entity, schema, request)) out.push(...items);
    return out;
  }

  async count(entity: AutotaskEntity, filter: readonly Filter[]): Promise<number> {
    const result = await this.transport.send({
      operation: `${entity}.count`,
      endpoint: entity,
      method: 'POST',
      path: `${entity}/query/count`,
      body: queryBody(`${entity}.count`, { filter }),
      schema: queryCountSchema,
    });
    return result?.queryCount ?? 0;
  }

  async getById<S extends z.ZodType>(entity: AutotaskEntity, schema: S, id: number): Promise<z.output<S> | null> {
    const result = await this.transport.send({
      operation: `${entity}.get`,
      endpoint: entity,
      method: 'GET',
      path: `${entity}/${id}`,
      schema: itemResultSchema(schema),
      notFoundAsNull: true,
    });
    // Autotask answers a missing id with 404 or with `{item: null}`; both mean "not there".
    const item: unknown = result?.item ?? null;
    return item === null ? null : (item as z.output<S>);
  }

  /** Records by id, in as few queries as the `in` limit allows. */
  async getByIds<S extends z.ZodType>(
    entity: AutotaskEntity,
    schema: S,
    ids: Iterable<number>,
    field = 'id'
  ): Promise<z.output<S>[]> {
    const unique = [...new Set(ids)];
    const out: z.output<S>[] = [];
    for (const part of chunk(unique))
      out.push(...(await this.queryAll(entity, schema, { filter: [where.in(field, part)] })));
    return out;
  }

  // ---- Appointments ----------------------------------------------------------------------------

  queryAppointments(filter: readonly Filter[]): Promise<Appointment[]> {
    return this.queryAll('Appointments', appointmentSchema, { filter });
  }

  getAppointment(id: number): Promise<Appointment | null> {
    return this.getById('Appointments', appointmentSchema, id);
  }

  createAppointment(fields: NewAppointment): Promise<number> {
    return this.write('Appointments', 'create', 'POST', 'Appointments', fields);
  }

  /** PATCH: only the fields given change. */
  updateAppointment(patch: AppointmentPatch): Promise<number> {
    return this.write('Appointments', 'update', 'PATCH', 'Appointments', patch);
  }

  deleteAppointment(id: number): Promise<DeleteResult> {
    return this.remove('Appointments', `Appointments/${id}`);
  }

  // ---- CompanyToDos ----------------------------------------------------------------------------

  queryToDos(filter: readonly Filter[]): Promise<CompanyToDo[]> {
    return this.queryAll('CompanyToDos', companyToDoSchema, { filter });
  }

  getToDo(id: number): Promise<CompanyToDo | null> {
    return this.getById('CompanyToDos', companyToDoSchema, id);
  }

  createToDo(fields: NewToDo): Promise<number> {
    return this.write('CompanyToDos', 'create', 'POST', `Companies/${fields.companyID}/ToDos`, fields);
  }

  updateToDo(patch: ToDoPatch): Promise<number> {
    return this.write('CompanyToDos', 'update', 'PATCH', `Companies/${patch.companyID}/ToDos`, patch);
  }

  deleteToDo(companyID: number, id: number): Promise<DeleteResult> {
    return this.remove('CompanyToDos', `Companies/${companyID}/ToDos/${id}`);
  }

  // ---- ServiceCalls (read only) ----------------------------------------------------------------

  queryServiceCalls(filter: readonly Filter[]): Promise<ServiceCall[]> {
    return this.queryAll('ServiceCalls', serviceCallSchema, { filter });
  }

  getServiceCall(id: number): Promise<ServiceCall | null> {
    return this.getById('ServiceCalls', serviceCallSchema, id);
  }

  // ---- look-ups --------------------------------------------------------------------------------

  /** The active resource whose primary or secondary e-mail is `email` (Autotask compares without case). */
  async findResourceByEmail(email: string): Promise<Resource | null> {
    const address = email.trim();
    const matches = await this.queryAll('Resources', resourceSchema, {
      filter: [where.or(where.eq('email', address), where.eq('email2', address), where.eq('email3', address))],
    });
    const lower = address.toLowerCase();
    const exact = (r: Resource) => [r.email, r.email2, r.email3].some((e) => e?.toLowerCase() === lower);
    return matches.find((r) => r.isActive !== false && exact(r)) ?? matches.find(exact) ?? null;
  }

  getResources(ids: Iterable<number>): Promise<Resource[]> {
    return this.getByIds('Resources', resourceSchema, ids);
  }

  getCompanies(ids: Iterable<number>): Promise<Company[]> {
    return this.getByIds('Companies', companySchema, ids);
  }

  getContacts(ids: Iterable<number>): Promise<Contact[]> {
    return this.getByIds('Contacts', contactSchema, ids);
  }

  listActionTypes(): Promise<ActionType[]> {
    return this.queryAll('ActionTypes', actionTypeSchema, { filter: [ALL_ROWS] });
  }

  async thresholdInformation(): Promise<ThresholdInformation> {
    const result = await this.transport.send({
      operation: 'ThresholdInformation.get',
      endpoint: 'ThresholdInformation',
      method: 'GET',
      path: 'ThresholdInformation',
      schema: thresholdInformationSchema,
    });
    if (result === null) throw invalidResponse('ThresholdInformation.get', 200, 'no threshold information');
    return result;
  }

  // ---- writes ----------------------------------------------------------------------------------

  private async write(
    entity: AutotaskEntity,
    verb: 'create' | 'update',
    method: 'POST' | 'PATCH',
    path: string,
    fields: object
  ): Promise<number> {
    const result = await this.transport.send({
      operation: `${entity}.${verb}`,
      endpoint: entity,
      method,
      path,
      body: toWireFields(fields),
      schema: itemIdResultSchema,
    });
    if (result === null) throw invalidResponse(`${entity}.${verb}`, 200, 'no itemId in the answer');
    return result.itemId;
  }

  private async remove(entity: AutotaskEntity, path: string): Promise<DeleteResult> {
    try {
      await this.transport.send({
        operation: `${entity}.delete`,
        endpoint: entity,
        method: 'DELETE',
        path,
        schema: itemIdResultSchema,
      });
      return { deleted: true };
    } catch (err) {
      // A retried delete finds nothing: that is the outcome we wanted, not a failure.
      if (isAutotaskError(err, 'NotFound')) return { deleted: false, reason: 'missing' };
      throw err;
    }
  }
}

function queryBody(operation: string, request: QueryRequest): QueryBody {
  try {
    return toQueryBody(request);
  } catch (err) {
    throw invalidRequest(operation, (err as Error).message, err);
  }
}

/** Drops undefined fields and writes times the way Autotask accepts them. */
function toWireFields(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = TIME_FIELDS.has(key) && typeof value === 'string' ? formatAutotaskInstant(value) : value;
  }
  return out;
}
