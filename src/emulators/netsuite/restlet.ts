import { RESTLET_DEPLOY_ID, RESTLET_SCRIPT_ID, restletWriteSchema } from '../../providers/netsuite/restlet-contract';
import { type EmulatedAccount } from './account';
import { cloneEvent, commitUpdate } from './event-lifecycle';
import { type StoredEvent } from './model';

export interface RestletAnswer {
  status: number;
  body: unknown;
}

const restletError = (status: number, code: string, message: string): RestletAnswer => ({
  status,
  body: { error: { code, message } },
});

/** The recurrence RESTlet as the shipped script behaves (GET reads, PUT writes), run as RESTLET context. */
export function handleRestlet(
  account: EmulatedAccount,
  request: {
    method: string;
    query: Record<string, string | undefined>;
    body: unknown;
    employeeId: string;
    installed: boolean;
  }
): RestletAnswer {
  if (
    !request.installed ||
    request.query['script'] !== RESTLET_SCRIPT_ID ||
    request.query['deploy'] !== RESTLET_DEPLOY_ID
  ) {
    return restletError(400, 'SSS_INVALID_SCRIPTLET_ID', 'That Suitelet is invalid, disabled, or no longer exists.');
  }
  if (request.method === 'GET') {
    const event = account.events.get(request.query['id'] ?? '');
    if (!event) return restletError(400, 'RCRD_DSNT_EXIST', 'That record does not exist.');
    return { status: 200, body: view(event) };
  }
  if (request.method === 'PUT') {
    const parsed = restletWriteSchema.safeParse(request.body);
    if (!parsed.success)
      return restletError(
        400,
        'INVALID_FLD_VALUE',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      );
    const current = account.events.get(parsed.data.id);
    if (!current) return restletError(400, 'RCRD_DSNT_EXIST', 'That record does not exist.');
    const event = cloneEvent(current);
    const recurrence = parsed.data.recurrence;
    event.recurrence = recurrence && recurrence.frequency !== 'none' ? recurrence : undefined;
    if (event.recurrence) event.startDate = event.recurrence.seriesStartDate;
    const saved = commitUpdate(account, event, 'RESTLET', request.employeeId);
    if (parsed.data.sendemail) {
      for (const line of saved.attendees) {
        const to = account.entities.get(line.entityId)?.email;
        if (to && line.entityId !== saved.organizerId) {
          account.sentEmails.push({
            eventId: saved.id,
            to,
            kind: 'update',
            subject: saved.title,
            at: new Date(account.now()).toISOString(),
          });
        }
      }
    }
    return { status: 200, body: view(saved) };
  }
  return restletError(405, 'SSS_INVALID_HTTP_METHOD', `The RESTlet does not implement ${request.method}.`);
}

function view(event: StoredEvent) {
  return { id: event.id, recurrence: event.recurrence ?? null, lastModified: event.lastModifiedDate };
}
