import { type z } from 'zod';
import { ProviderError } from '../provider-error';
import { RECORD_PATH } from './account-id';
import { EXTERNAL_ID_PATTERN, type NetSuiteCalendarEventWrite } from './calendar-event-fields';
import { invalidResponse } from './errors';
import { type NetSuiteTransport, withQuery } from './http';
import {
  type NetSuiteCalendarEvent,
  type PartialNetSuiteCalendarEvent,
  calendarEventRecordSchema,
  collectionPageSchema,
  idOnlyRecordSchema,
  partialCalendarEventSchema,
} from './schemas';

/** Unknown or misspelt fields fail loudly instead of being dropped with a warning header. */
const WRITE_HEADERS = { 'X-NetSuite-PropertyNameValidation': 'Error' };
/** Collection paging: offset must be a multiple of limit; 1000 is NetSuite's largest page. */
const COLLECTION_PAGE = 1000;

export interface CalendarEventApi {
  /** POST; NetSuite answers 204 and names the new record only in the Location header. */
  createCalendarEvent(fields: NetSuiteCalendarEventWrite): Promise<{ id: string }>;
  /** The whole record with its attendee lines expanded, or null when it does not exist. */
  getCalendarEvent(id: string): Promise<NetSuiteCalendarEvent | null>;
  getCalendarEventByExternalId(externalId: string): Promise<NetSuiteCalendarEvent | null>;
  /** Only the named fields (`fields=`), or null when the record does not exist. */
  getCalendarEventFields(id: string, fields: string[]): Promise<PartialNetSuiteCalendarEvent | null>;
  /** Whether the record exists (a GET of its id alone: confirms deletes, DESIGN §4.6). */
  calendarEventExists(id: string): Promise<boolean>;
  /** PATCH: omitted fields stay; attendees, when given, replace the whole sublist. */
  updateCalendarEvent(id: string, fields: NetSuiteCalendarEventWrite): Promise<void>;
  /**
   * Idempotent create-or-update keyed by our external id (PUT …/eid:{externalId}). When the record
   * was deleted before its internal id could be read back, `id` is its `eid:` key and `gone` is set.
   */
  upsertCalendarEventByExternalId(
    externalId: string,
    fields: NetSuiteCalendarEventWrite
  ): Promise<{ id: string; gone?: true }>;
  /** Returns false when the record was already gone (deletes are idempotent). */
  deleteCalendarEvent(id: string): Promise<boolean>;
  /** Every id of the collection, optionally filtered with a REST `q` expression. */
  listCalendarEventIds(options?: { q?: string; pageSize?: number }): Promise<string[]>;
}

export function calendarEventApi(transport: NetSuiteTransport, baseUrl: string): CalendarEventApi {
  const collectionUrl = `${baseUrl}${RECORD_PATH}/calendarEvent`;
  const recordUrl = (key: string) => `${collectionUrl}/${key}`;

  const read = async <T>(
    operation: string,
    key: string,
    schema: z.ZodType<T>,
    fields?: string[]
  ): Promise<T | null> => {
    const url = withQuery(recordUrl(key), { expandSubResources: true, fields: fields?.join(',') });
    const response = await notFoundAsNull(transport.send({ operation, method: 'GET', url }));
    if (!response) return null;
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) throw invalidResponse(operation, parsed.error);
    return parsed.data;
  };

  const idByExternalId = async (operation: string, externalId: string): Promise<string> => {
    const response = await transport.send({
      operation,
      method: 'GET',
      url: withQuery(recordUrl(eid(operation, externalId)), { fields: 'id' }),
    });
    const parsed = idOnlyRecordSchema.safeParse(response.data);
    if (!parsed.success) throw invalidResponse(operation, parsed.error);
    return parsed.data.id;
  };

  return {
    async createCalendarEvent(fields) {
      const operation = 'calendarEvent.create';
      const response = await transport.send({
        operation,
        method: 'POST',
        url: withQuery(collectionUrl, attendeeReplace(fields)),
        headers: WRITE_HEADERS,
        data: fields,
      });
      const id = idFromLocation(response.headers['location']);
      if (!id || id.startsWith('eid:')) throw missingLocation(operation, response.status);
      return { id };
    },

    getCalendarEvent: async (id) =>
      read('calendarEvent.get', recordKey('calendarEvent.get', id), calendarEventRecordSchema),
    getCalendarEventByExternalId: async (externalId) =>
      read(
        'calendarEvent.getByExternalId',
        eid('calendarEvent.getByExternalId', externalId),
        calendarEventRecordSchema
      ),
    getCalendarEventFields: async (id, fields) =>
      read('calendarEvent.getFields', recordKey('calendarEvent.getFields', id), partialCalendarEventSchema, fields),
    async calendarEventExists(id) {
      const operation = 'calendarEvent.exists';
      const url = withQuery(recordUrl(recordKey(operation, id)), { fields: 'id' });
      return (await notFoundAsNull(transport.send({ operation, method: 'GET', url }))) !== null;
    },

    async updateCalendarEvent(id, fields) {
      const operation = 'calendarEvent.update';
      await transport.send({
        operation,
        method: 'PATCH',
        url: withQuery(recordUrl(recordKey(operation, id)), attendeeReplace(fields)),
        headers: WRITE_HEADERS,
        data: fields,
      });
    },

    async upsertCalendarEventByExternalId(externalId, fields) {
      const operation = 'calendarEvent.upsert';
      const { externalId: _ignored, ...body } = fields;
      const response = await transport.send({
        operation,
        method: 'PUT',
        url: withQuery(recordUrl(eid(operation, externalId)), attendeeReplace(fields)),
        headers: WRITE_HEADERS,
        data: body,
      });
      // Whether PUT returns a Location, and with which key, is not documented: read it back if need be.
      const fromLocation = idFromLocation(response.headers['location']);
      if (fromLocation && !fromLocation.startsWith('eid:')) return { id: fromLocation };
      const id = await notFoundAsNull(idByExternalId(operation, externalId));
      // Written, then deleted by a person before its id could be read: the record is known by its
      // external id instead, so that the next read finds it gone and the deletion travels.
      if (id === null) return { id: eid(operation, externalId), gone: true };
      return { id };
    },

    async deleteCalendarEvent(id) {
      const operation = 'calendarEvent.delete';
      const response = await notFoundAsNull(
        transport.send({
          operation,
          method: 'DELETE',
          url: recordUrl(recordKey(operation, id)),
          headers: WRITE_HEADERS,
        })
      );
      return response !== null;
    },

    async listCalendarEventIds(options) {
      const operation = 'calendarEvent.list';
      const limit = Math.min(options?.pageSize ?? COLLECTION_PAGE, COLLECTION_PAGE);
      const ids: string[] = [];
      for (let offset = 0; ; offset += limit) {
        const response = await transport.send({
          operation,
          method: 'GET',
          url: withQuery(collectionUrl, { limit, offset, q: options?.q }),
        });
        const parsed = collectionPageSchema.safeParse(response.data);
        if (!parsed.success) throw invalidResponse(operation, parsed.error);
        ids.push(...parsed.data.items.map((item) => item.id));
        const more = parsed.data.hasMore ?? parsed.data.links.some((link) => link.rel === 'next');
        if (!more || parsed.data.items.length === 0) return ids;
      }
    },
  };
}

function attendeeReplace(fields: NetSuiteCalendarEventWrite): Record<string, string | undefined> {
  return { replace: fields.attendee ? 'attendee' : undefined };
}

export function idFromLocation(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const path = location.split('?')[0] ?? '';
  const last = path.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : undefined;
}

async function notFoundAsNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ProviderError && error.status === 404) return null;
    throw error;
  }
}

function eid(operation: string, externalId: string): string {
  if (!EXTERNAL_ID_PATTERN.test(externalId)) {
    throw new ProviderError({
      provider: 'netsuite',
      operation,
      status: 0,
      code: 'INVALID_EXTERNAL_ID',
      message: `external id "${externalId}" may hold only letters, digits, "_" and "-"`,
      retryable: false,
    });
  }
  return `eid:${externalId}`;
}

/** A record key: an internal id, or `eid:<external id>` (NetSuite REST takes either in the path). */
function recordKey(operation: string, id: string): string {
  if (id.startsWith('eid:')) return eid(operation, id.slice(4));
  if (!/^-?\d+$/.test(id)) {
    throw new ProviderError({
      provider: 'netsuite',
      operation,
      status: 0,
      code: 'INVALID_ID',
      message: `"${id}" is not an internal id`,
      retryable: false,
    });
  }
  return id;
}

function missingLocation(operation: string, status: number): ProviderError {
  return new ProviderError({
    provider: 'netsuite',
    operation,
    status,
    code: 'INVALID_RESPONSE',
    message: 'Location header missing or without an internal id',
    retryable: false,
  });
}
