/** One request the emulator answered, for tests that count calls or check headers. */
export interface LoggedRequest {
  at: string;
  method: string;
  /** Path and query as received, e.g. /v1.0/users/a@b/calendarView/delta?... */
  url: string;
  /** The mailbox (UPN, lower case) the request addressed, when it addressed one. */
  mailbox?: string;
  status: number;
  durationMs: number;
  /** Request Prefer header values (one entry per header line). */
  prefer: string[];
  /** True for the items inside a $batch request. */
  inBatch: boolean;
  /** Graph's error code when the request failed. */
  errorCode?: string;
}
