/**
 * The Autotask query language: a list of conditions (implicitly AND-ed), each a field comparison
 * or an and/or group. Built here as plain data so the client, the change cursor and the emulator
 * share one definition; `toQueryBody` turns it into what Autotask reads.
 */

export const AUTOTASK_ENTITIES = [
  'Appointments',
  'CompanyToDos',
  'ServiceCalls',
  'ServiceCallTickets',
  'ServiceCallTasks',
  'ServiceCallTicketResources',
  'ServiceCallTaskResources',
  'Tickets',
  'Tasks',
  'Resources',
  'Companies',
  'Contacts',
  'ActionTypes',
] as const;
export type AutotaskEntity = (typeof AUTOTASK_ENTITIES)[number];

export const COMPARISON_OPERATORS = [
  'eq',
  'noteq',
  'gt',
  'gte',
  'lt',
  'lte',
  'beginsWith',
  'endsWith',
  'contains',
  'exist',
  'notExist',
  'in',
  'notIn',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type FilterValue = string | number | boolean | readonly string[] | readonly number[];

export interface Condition {
  op: ComparisonOperator;
  field: string;
  value?: FilterValue;
  udf?: boolean;
}
export interface Group {
  op: 'and' | 'or';
  items: readonly Filter[];
}
export type Filter = Condition | Group;

/** At most 500 records per page, Autotask's ceiling and default. */
export const MAX_RECORDS = 500;
/** Autotask allows at most 500 OR conditions; `in` lists are kept well under that per query. */
export const MAX_IN_VALUES = 200;

export interface QueryRequest {
  filter: readonly Filter[];
  includeFields?: readonly string[];
  /** 1–500; defaults to 500. */
  maxRecords?: number;
}

export interface QueryBody {
  MaxRecords: number;
  IncludeFields: string[];
  Filter: Filter[];
}

export const where = {
  eq: (field: string, value: string | number | boolean): Condition => ({ op: 'eq', field, value }),
  noteq: (field: string, value: string | number | boolean): Condition => ({ op: 'noteq', field, value }),
  gt: (field: string, value: string | number): Condition => ({ op: 'gt', field, value }),
  gte: (field: string, value: string | number): Condition => ({ op: 'gte', field, value }),
  lt: (field: string, value: string | number): Condition => ({ op: 'lt', field, value }),
  lte: (field: string, value: string | number): Condition => ({ op: 'lte', field, value }),
  beginsWith: (field: string, value: string): Condition => ({ op: 'beginsWith', field, value }),
  endsWith: (field: string, value: string): Condition => ({ op: 'endsWith', field, value }),
  contains: (field: string, value: string): Condition => ({ op: 'contains', field, value }),
  exist: (field: string): Condition => ({ op: 'exist', field }),
  notExist: (field: string): Condition => ({ op: 'notExist', field }),
  in: (field: string, values: readonly number[] | readonly string[]): Condition => ({ op: 'in', field, value: values }),
  notIn: (field: string, values: readonly number[] | readonly string[]): Condition => ({
    op: 'notIn',
    field,
    value: values,
  }),
  and: (...items: Filter[]): Group => ({ op: 'and', items }),
  or: (...items: Filter[]): Group => ({ op: 'or', items }),
};

/** Autotask requires a filter; this is its "every row" idiom. */
export const ALL_ROWS: Condition = where.gt('id', 0);

export class QueryRequestError extends Error {
  override name = 'QueryRequestError';
}

/** Validates a request and renders the PascalCase body the Autotask documentation uses. */
export function toQueryBody(request: QueryRequest): QueryBody {
  const maxRecords = request.maxRecords ?? MAX_RECORDS;
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > MAX_RECORDS) {
    throw new QueryRequestError(`maxRecords must be an integer from 1 to ${MAX_RECORDS}, got ${maxRecords}`);
  }
  if (request.filter.length === 0) throw new QueryRequestError('Autotask requires a filter (use ALL_ROWS)');
  const includeFields = [...(request.includeFields ?? [])];
  // Result sets over one page must carry the id when fields are restricted (Autotask paging needs it).
  if (includeFields.length > 0 && !includeFields.some((f) => f.toLowerCase() === 'id')) includeFields.unshift('id');
  return { MaxRecords: maxRecords, IncludeFields: includeFields, Filter: request.filter.map(cloneFilter) };
}

export function isGroup(filter: Filter): filter is Group {
  return filter.op === 'and' || filter.op === 'or';
}

function cloneFilter(filter: Filter): Filter {
  if (isGroup(filter)) {
    if (filter.items.length === 0) throw new QueryRequestError(`an "${filter.op}" group needs at least one item`);
    return { op: filter.op, items: filter.items.map(cloneFilter) };
  }
  const condition = filter;
  const needsValue = condition.op !== 'exist' && condition.op !== 'notExist';
  if (needsValue && condition.value === undefined) {
    throw new QueryRequestError(`"${condition.op}" on ${condition.field} needs a value`);
  }
  if ((condition.op === 'in' || condition.op === 'notIn') && !Array.isArray(condition.value)) {
    throw new QueryRequestError(`"${condition.op}" on ${condition.field} needs an array value`);
  }
  const out: Condition = { op: condition.op, field: condition.field };
  if (condition.value !== undefined) out.value = condition.value;
  if (condition.udf) out.udf = true;
  return out;
}

/** Splits a long id list so each `in` query stays within Autotask's condition limits. */
export function chunk<T>(values: readonly T[], size: number = MAX_IN_VALUES): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
