import { z } from 'zod';
import { SUITEQL_PATH } from './account-id';
import { invalidResponse } from './errors';
import { type NetSuiteTransport, withQuery } from './http';
import { suiteQlPageSchema } from './schemas';

export type SuiteQlParam = string | number;

export interface SuiteQlOptions {
  /**
   * Write parameters into the query as escaped literals instead of sending `params`. The REST
   * suiteql resource's support for bind parameters is not confirmed on every release; this is the
   * fallback. Default false.
   */
  inlineParams?: boolean;
  /** Rows per page, at most 1000. */
  pageSize?: number;
}

export interface SuiteQl {
  /** Runs a query through every page; rows are validated against `row` (every value a string). */
  query<T>(operation: string, q: string, params: SuiteQlParam[], row: z.ZodType<T>): Promise<T[]>;
}

const MAX_PAGE = 1000;

export function suiteQl(transport: NetSuiteTransport, baseUrl: string, options: SuiteQlOptions = {}): SuiteQl {
  const limit = Math.min(options.pageSize ?? MAX_PAGE, MAX_PAGE);
  return {
    async query(operation, q, params, row) {
      const body = options.inlineParams ? { q: bindInline(q, params) } : { q, params };
      const rows: z.infer<typeof row>[] = [];
      // offset stays a multiple of limit, as NetSuite requires.
      for (let offset = 0; ; offset += limit) {
        const response = await transport.send({
          operation,
          method: 'POST',
          url: withQuery(`${baseUrl}${SUITEQL_PATH}`, { limit, offset }),
          headers: { Prefer: 'transient' },
          data: body,
        });
        const page = suiteQlPageSchema.safeParse(response.data);
        if (!page.success) throw invalidResponse(operation, page.error);
        const parsed = z.array(row).safeParse(page.data.items);
        if (!parsed.success) throw invalidResponse(operation, prefixed(parsed.error, 'items'));
        rows.push(...parsed.data);
        const more =
          page.data.hasMore ??
          (page.data.totalResults !== undefined && offset + page.data.items.length < page.data.totalResults);
        if (!more || page.data.items.length === 0) return rows;
      }
    },
  };
}

/** Replaces each ? outside string literals with a quoted, escaped literal (numbers stay bare). */
export function bindInline(q: string, params: SuiteQlParam[]): string {
  let out = '';
  let index = 0;
  let inString = false;
  for (const char of q) {
    if (char === "'") inString = !inString;
    if (char === '?' && !inString) {
      if (index >= params.length) throw new Error('more ? placeholders than parameters');
      const value = params[index++]!;
      out += typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
    } else {
      out += char;
    }
  }
  if (index !== params.length) throw new Error('more parameters than ? placeholders');
  return out;
}

/** "?, ?, ?" for an IN list. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

function prefixed(error: z.ZodError, prefix: string): z.ZodError {
  return new z.ZodError(error.issues.map((issue) => ({ ...issue, path: [prefix, ...issue.path] })));
}
