import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** RFC 9457 problem details: every error the API returns names what was wrong. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { field: string; reason: string }[];
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { errors?: Problem['errors']; headers?: Record<string, string> } = {}
  ) {
    super(detail ?? title);
  }
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Omit<Problem, 'instance'>) {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ ...problem, instance: request.url });
}

export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    return sendProblem(reply, request, {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      detail: `The request ${error.validationContext ?? 'input'} is not valid.`,
      errors: error.validation.map((v) => ({
        field: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.') || '(root)',
        reason: v.message ?? 'invalid',
      })),
    });
  }
  if (error instanceof HttpProblem) {
    for (const [name, value] of Object.entries(error.extra.headers ?? {})) void reply.header(name, value);
    return sendProblem(reply, request, {
      type: 'about:blank',
      title: error.title,
      status: error.status,
      detail: error.detail,
      ...(error.extra.errors ? { errors: error.extra.errors } : {}),
    });
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, request, {
    type: 'about:blank',
    title: status === 500 ? 'Internal error' : (clientErrorTitles[error.code] ?? 'Bad request'),
    status,
    detail: status === 500 ? 'The server could not complete the request; it was logged.' : error.message,
    ...(status === 500 ? {} : { errors: [{ field: fieldOf(error.code), reason: error.message }] }),
  });
}

/** Fastify's own client errors, named for people. */
const clientErrorTitles: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Empty JSON body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Body too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported media type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Invalid content length',
  FST_ERR_CTP_INVALID_TYPE: 'Invalid content type',
};

const fieldOf = (code: string): string => (code.startsWith('FST_ERR_CTP_') ? 'body' : '(request)');
