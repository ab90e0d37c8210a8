import { z } from 'zod';
import { HttpProblem } from './problem';

/** Ids are opaque and safe to show (they go into workflow ids and search attributes). */
export const opaqueId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

export const idParams = z.object({ id: opaqueId }).strict();

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
});

/** Page size and an opaque cursor (the position after the last item of the previous page). */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
};

export const encodeCursor = (position: string): string => Buffer.from(position, 'utf8').toString('base64url');

/** The position a cursor names; a cursor we did not make is a 400 naming the field. */
export function decodeCursor(cursor: string | undefined, valid: (position: string) => boolean): string | undefined {
  if (cursor === undefined) return undefined;
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!position || !valid(position) || encodeCursor(position) !== cursor) {
    throw new HttpProblem(400, 'Invalid request', 'The cursor is not one this API returned.', {
      errors: [{ field: 'querystring.cursor', reason: 'unknown cursor' }],
    });
  }
  return position;
}

/** Common error responses, for the OpenAPI document. */
export const errorResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  429: problemSchema,
};
