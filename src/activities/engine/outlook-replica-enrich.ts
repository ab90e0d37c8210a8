import { outlookSensitivitySchema } from '../../domain/access-level';
import type { CanonicalEvent, ResponseStatus } from '../../domain/canonical-event';
import type { GraphEvent } from '../../providers/graph';

/**
 * What `graphEventToCanonical` leaves out but the Outlook projection needs for echo equality:
 * Outlook's own sensitivity (so "personal" and "confidential" stay themselves, DESIGN §2) and the
 * mailbox owner's response, which Graph reports in `responseStatus`, not in the attendee list of
 * an attendee's copy (DESIGN §4.12).
 */
export function enrichFromGraph(event: CanonicalEvent, record: GraphEvent, mailbox: string): CanonicalEvent {
  const out: CanonicalEvent = { ...event, extras: { ...event.extras } };
  const sensitivity = outlookSensitivitySchema.safeParse((record.sensitivity ?? 'normal').toLowerCase());
  if (sensitivity.success) out.extras.outlook = { ...out.extras.outlook, sensitivity: sensitivity.data };
  const own = ownResponse(record.responseStatus?.response);
  const owner = mailbox.toLowerCase();
  if (own !== undefined && own !== 'organizer' && own !== 'none') {
    out.attendees = event.attendees.map((a) => (a.email.toLowerCase() === owner ? { ...a, response: own } : a));
  }
  return out;
}

function ownResponse(value: string | null | undefined): ResponseStatus | undefined {
  switch ((value ?? '').toLowerCase()) {
    case 'accepted':
      return 'accepted';
    case 'tentativelyaccepted':
      return 'tentative';
    case 'declined':
      return 'declined';
    case 'notresponded':
      return 'notResponded';
    case 'organizer':
      return 'organizer';
    default:
      return undefined;
  }
}
