import { randomUUID } from 'node:crypto';

/** A failure the emulator answers in Graph's error envelope. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
  }
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

export function errorEnvelope(code: string, message: string, requestId: string = randomUUID()): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': requestId,
      },
    },
  };
}

export const notFound = (what = 'The specified object was not found in the store.') =>
  new GraphHttpError(404, 'ErrorItemNotFound', what);

export const invalidRequest = (message: string, code = 'ErrorInvalidRequest') => new GraphHttpError(400, code, message);
