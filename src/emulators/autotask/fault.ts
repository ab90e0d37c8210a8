/** An HTTP answer other than success, raised anywhere in the emulator and written by the server. */
export class EmulatedFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {}
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
    this.name = 'EmulatedFailure';
  }
}

/** Autotask's usual way of refusing: HTTP 500 with `{"errors": [...]}`. */
export function errors500(...messages: string[]): EmulatedFailure {
  return new EmulatedFailure(500, { errors: messages });
}

export const MESSAGES = {
  integrationCodeInvalid: 'IntegrationCode is invalid.',
  zoneUnknown: 'Zone information could not be determined',
  badCredentials: 'Unauthorized: the user name or secret is not valid.',
  wrongZone: 'Unauthorized: this database is not hosted in this zone.',
  deleteMissing:
    'No matching records found. The logged in Resource may not have the required permissions to delete the data.',
  updateMissing:
    'No matching records found. The logged in Resource may not have the required permissions to update the data.',
  permission: 'The logged in Resource does not have the adequate permissions to perform this operation.',
  threadLimit:
    'Thread Threshold Exceeded: the Autotask API thread threshold of 3 threads has been exceeded for this endpoint. (Itgenatr005)',
  requestThreshold:
    'The API request threshold for this database has been exceeded; access is suspended until usage falls.',
} as const;
