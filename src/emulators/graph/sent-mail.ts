/**
 * The messages a real Exchange would have emailed on behalf of a mailbox: meeting invitations,
 * updates and cancellations sent by an organiser, and responses sent by attendees. Tests assert on
 * it, for example that sync itself (actor "app") never emailed anyone.
 */
export interface SentMail {
  kind: 'invitation' | 'update' | 'cancellation' | 'response';
  /** Who made the change: the app through the API, or the person through the user-side API. */
  actor: 'app' | 'user';
  from: string;
  to: string[];
  subject: string;
  iCalUId: string;
  eventId: string;
  /** Set when the message is about one occurrence of a series. */
  occurrenceDate?: string;
  /** For responses: accepted, tentativelyAccepted or declined. */
  response?: string;
  at: string;
}
