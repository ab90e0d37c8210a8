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
    readonly detail?: string
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
    return sendProblem(reply, request, { type: 'about:blank', title: error.title, status: error.status, detail: error.detail });
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, request, {
    type: 'about:blank',
    title: status === 500 ? 'Internal error' : error.code ?? 'Bad request',
    status,
    detail: status === 500 ? 'The server could not complete the request; it was logged.' : error.message,
  });
}
