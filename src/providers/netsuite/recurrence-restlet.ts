import { type NetSuiteTransport } from './http';
import { invalidResponse } from './errors';
import { type NetSuiteRecurrence, restletReadSchema, type RestletWrite } from './restlet-contract';

/**
 * The recurrence fields REST lacks, through the shipped RESTlet. Where the bundle is not
 * installed NetSuite answers SSS_INVALID_SCRIPTLET_ID (a non-retryable ProviderError): callers then
 * expand series into single events instead.
 */
export interface RecurrenceRestlet {
  getRecurrence(eventId: string): Promise<NetSuiteRecurrence | null>;
  /** `null` turns the event into a single one. Never sends invitation emails. */
  setRecurrence(eventId: string, recurrence: NetSuiteRecurrence | null): Promise<{ lastModified?: string }>;
}

export function recurrenceRestlet(transport: NetSuiteTransport, restletUrl: string): RecurrenceRestlet {
  const withId = (id: string) => `${restletUrl}${restletUrl.includes('?') ? '&' : '?'}id=${encodeURIComponent(id)}`;
  return {
    async getRecurrence(eventId) {
      const operation = 'restlet.getRecurrence';
      const response = await transport.send({ operation, method: 'GET', url: withId(eventId) });
      const parsed = restletReadSchema.safeParse(response.data);
      if (!parsed.success) throw invalidResponse(operation, parsed.error);
      return parsed.data.recurrence;
    },
    async setRecurrence(eventId, recurrence) {
      const operation = 'restlet.setRecurrence';
      const body: RestletWrite = { id: eventId, recurrence, sendemail: false };
      const response = await transport.send({ operation, method: 'PUT', url: restletUrl, data: body });
      const parsed = restletReadSchema.safeParse(response.data);
      if (!parsed.success) throw invalidResponse(operation, parsed.error);
      return { lastModified: parsed.data.lastModified };
    },
  };
}
