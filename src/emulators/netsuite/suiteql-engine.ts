import { DateTime } from 'luxon';
import { type EmulatedAccount } from './account';
import { type Cond, type Expr, type SelectStatement, invalidQuery, parseSuiteQl } from './suiteql-parser';

/** Typed values inside the engine; everything leaves as a string, as SuiteQL over REST does. */
type Value =
  { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'instant'; ms: number } | { t: 'date'; v: string } | null;

type Row = Record<string, Value>;

const s = (v: string | undefined): Value => (v ? { t: 'str', v } : null);
const n = (v: string): Value => ({ t: 'num', v: Number(v) });
const instant = (iso: string): Value => ({ t: 'instant', ms: Date.parse(iso) });

function tableRows(account: EmulatedAccount, table: string): Row[] {
  switch (table) {
    case 'calendarevent':
      return [...account.events.values()].map((e) => ({
        id: n(e.id),
        externalid: s(e.externalId),
        title: s(e.title),
        startdate: { t: 'date', v: e.startDate },
        lastmodifieddate: instant(e.lastModifiedDate),
        createddate: instant(e.createdDate),
        organizer: n(e.organizerId),
        owner: n(e.ownerId),
      }));
    case 'employee':
    case 'contact':
      return [...account.entities.values()]
        .filter((e) => e.type === table)
        .map((e) => ({ id: n(e.id), email: s(e.email), entityid: s(e.name), isinactive: s('F') }));
    default:
      throw invalidQuery(`Search error occurred: Record '${table}' was not found.`);
  }
}

export interface SuiteQlResult {
  rows: Record<string, string>[];
  totalResults: number;
}

/**
 * Runs one query. Datetimes are rendered and parsed in `zone`: which zone real SuiteQL uses is not
 * documented, so the emulator lets tests pick (the client must work either way).
 */
export function runSuiteQl(account: EmulatedAccount, sql: string, params: unknown[], zone: string): SuiteQlResult {
  const statement = parseSuiteQl(sql);
  if (statement.paramCount !== params.length) {
    throw invalidQuery(`The query has ${statement.paramCount} parameter(s) but ${params.length} value(s) were given.`);
  }
  const ctx = { params, zone };
  const rows = tableRows(account, statement.table).filter(
    (row) => !statement.where || truth(statement.where, row, ctx)
  );
  sortRows(rows, statement, ctx);
  return {
    totalResults: rows.length,
    rows: rows.map((row) => {
      const out: Record<string, string> = {};
      statement.items.forEach((item, index) => {
        const name = item.alias ?? (item.expr.kind === 'column' ? item.expr.name : `expr${index + 1}`);
        const value = evaluate(item.expr, row, ctx);
        if (value !== null) out[name] = render(value, zone);
      });
      return out;
    }),
  };
}

interface EvalContext {
  params: unknown[];
  zone: string;
}

function sortRows(rows: Row[], statement: SelectStatement, ctx: EvalContext): void {
  if (!statement.orderBy.length) return;
  rows.sort((a, b) => {
    for (const { expr, descending } of statement.orderBy) {
      const c = compare(evaluate(expr, a, ctx), evaluate(expr, b, ctx));
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}

function evaluate(expr: Expr, row: Row, ctx: EvalContext): Value {
  switch (expr.kind) {
    case 'column':
      if (!(expr.name in row)) throw invalidQuery(`Search error occurred: Field '${expr.name}' was not found.`);
      return row[expr.name] ?? null;
    case 'literal':
      return typeof expr.value === 'number' ? { t: 'num', v: expr.value } : { t: 'str', v: expr.value };
    case 'param': {
      const value = ctx.params[expr.index];
      if (typeof value === 'number') return { t: 'num', v: value };
      if (typeof value === 'string') return { t: 'str', v: value };
      if (typeof value === 'boolean') return { t: 'str', v: value ? 'T' : 'F' };
      return null;
    }
    case 'call':
      return call(expr, row, ctx);
  }
}

function call(expr: Extract<Expr, { kind: 'call' }>, row: Row, ctx: EvalContext): Value {
  const [first, formatExpr] = expr.args;
  const arg = first ? evaluate(first, row, ctx) : null;
  const format = formatExpr?.kind === 'literal' && typeof formatExpr.value === 'string' ? formatExpr.value : undefined;
  if (arg === null) return null;
  switch (expr.fn) {
    case 'LOWER':
    case 'UPPER':
      if (arg.t !== 'str') throw invalidQuery(`${expr.fn} expects text.`);
      return { t: 'str', v: expr.fn === 'LOWER' ? arg.v.toLowerCase() : arg.v.toUpperCase() };
    case 'TO_CHAR': {
      if (!format) throw invalidQuery('TO_CHAR needs a format literal.');
      if (arg.t === 'instant')
        return { t: 'str', v: DateTime.fromMillis(arg.ms, { zone: ctx.zone }).toFormat(luxonFormat(format)) };
      if (arg.t === 'date')
        return { t: 'str', v: DateTime.fromISO(arg.v, { zone: 'utc' }).toFormat(luxonFormat(format)) };
      return { t: 'str', v: arg.t === 'num' ? String(arg.v) : arg.v };
    }
    case 'TO_TIMESTAMP':
    case 'TO_DATE': {
      if (!format || arg.t !== 'str') throw invalidQuery(`${expr.fn} needs text and a format literal.`);
      const parsed = DateTime.fromFormat(arg.v, luxonFormat(format), { zone: ctx.zone });
      if (!parsed.isValid) throw invalidQuery(`'${arg.v}' does not match the format '${format}'.`);
      return expr.fn === 'TO_DATE' ? { t: 'date', v: parsed.toISODate() } : { t: 'instant', ms: parsed.toMillis() };
    }
  }
}

/** Oracle datetime format models used by the client, in luxon's tokens. */
function luxonFormat(oracle: string): string {
  const tokens: [RegExp, string][] = [
    [/YYYY/g, 'yyyy'],
    [/HH24/g, 'HH'],
    [/MI/g, 'mm'],
    [/SS/g, 'ss'],
    [/MM/g, 'LL'],
    [/DD/g, 'dd'],
  ];
  let out = oracle;
  for (const [pattern, replacement] of tokens) out = out.replace(pattern, replacement);
  if (/[A-Za-z]/.test(out.replace(/yyyy|HH|mm|ss|LL|dd/g, ''))) throw invalidQuery(`Unsupported format '${oracle}'.`);
  return out;
}

function truth(cond: Cond, row: Row, ctx: EvalContext): boolean {
  switch (cond.kind) {
    case 'and':
      return truth(cond.left, row, ctx) && truth(cond.right, row, ctx);
    case 'or':
      return truth(cond.left, row, ctx) || truth(cond.right, row, ctx);
    case 'not':
      return !truth(cond.inner, row, ctx);
    case 'null':
      return (evaluate(cond.operand, row, ctx) === null) !== cond.negated;
    case 'in': {
      const left = evaluate(cond.left, row, ctx);
      if (left === null) return false;
      const found = cond.list.some((item) => compare(left, evaluate(item, row, ctx)) === 0);
      return found !== cond.negated;
    }
    case 'compare': {
      const left = evaluate(cond.left, row, ctx);
      const right = evaluate(cond.right, row, ctx);
      if (left === null || right === null) return false; // SQL: comparisons with NULL are unknown
      const c = compare(left, right);
      return { '=': c === 0, '<>': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[cond.op];
    }
  }
}

function compare(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1; // nulls last
  if (a.t === 'instant' && b.t === 'instant') return a.ms - b.ms;
  if (a.t === 'date' && b.t === 'date') return a.v.localeCompare(b.v);
  if (a.t === 'num' || b.t === 'num') {
    const x = a.t === 'num' ? a.v : Number(a.t === 'str' ? a.v : NaN);
    const y = b.t === 'num' ? b.v : Number(b.t === 'str' ? b.v : NaN);
    if (Number.isNaN(x) || Number.isNaN(y)) throw invalidQuery('Cannot compare a number with text.');
    return x - y;
  }
  if (a.t === 'str' && b.t === 'str') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  throw invalidQuery(`Cannot compare ${a.t} with ${b.t}; convert with TO_TIMESTAMP or TO_DATE.`);
}

/** Raw dates come back in the user's date format, which is why the client formats with TO_CHAR. */
function render(value: NonNullable<Value>, zone: string): string {
  switch (value.t) {
    case 'str':
      return value.v;
    case 'num':
      return String(value.v);
    case 'date':
      return DateTime.fromISO(value.v).toFormat('M/d/yyyy');
    case 'instant':
      return DateTime.fromMillis(value.ms, { zone }).toFormat('M/d/yyyy h:mm a');
  }
}
