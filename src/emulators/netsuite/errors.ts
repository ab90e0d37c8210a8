/** NetSuite's error envelope, in the shape of the REST API Browser's nsError. */
export class NetSuiteFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { 'o:errorPath'?: string; 'o:errorQueryParam'?: string; 'o:errorHeader'?: string } = {}
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function errorBody(fault: NetSuiteFault): Record<string, unknown> {
  return {
    type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html',
    title: TITLES[fault.status] ?? 'Error',
    status: fault.status,
    'o:errorDetails': [{ detail: fault.detail, 'o:errorCode': fault.code, ...fault.extra }],
  };
}

export const invalidLogin = () =>
  new NetSuiteFault(
    401,
    'INVALID_LOGIN',
    'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.'
  );
export const nonexistentId = () => new NetSuiteFault(404, 'NONEXISTENT_ID', 'Record does not exist.');
export const concurrencyExceeded = () =>
  new NetSuiteFault(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.');
export const invalidContent = (detail: string, path?: string) =>
  new NetSuiteFault(400, 'INVALID_CONTENT', detail, path ? { 'o:errorPath': path } : {});
