import { fieldByName, type EntityDef, type FieldDef } from './entities';
import { errors500 } from './fault';
import { type EntityRecord } from './store';

/**
 * Evaluates Autotask query bodies: top-level conditions are AND-ed; `and`/`or` groups nest;
 * keys and field names match without regard to case; strings compare without case (as the
 * SQL Server behind Autotask does); null matches nothing but `notExist`.
 */
export interface ParsedQuery {
  maxRecords: number;
  includeFields: string[];
  filter: Node[];
}

type Op =
  | 'eq'
  | 'noteq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'beginswith'
  | 'endswith'
  | 'contains'
  | 'exist'
  | 'notexist'
  | 'in'
  | 'notin';
type Node =
  | { kind: 'group'; op: 'and' | 'or'; items: Node[] }
  | { kind: 'condition'; op: Op; field: FieldDef | { udf: string }; value: unknown };

const OPS = new Set<string>([
  'eq',
  'noteq',
  'gt',
  'gte',
  'lt',
  'lte',
  'beginswith',
  'endswith',
  'contains',
  'exist',
  'notexist',
  'in',
  'notin',
]);
const MAX_OR_CONDITIONS = 500;

export interface QueryRules {
  /** Fields this database refuses to filter on (e.g. a change field not marked queryable). */
  unqueryable?: readonly string[];
}

/** Text of a scalar from a request or record (objects as JSON, never "[object Object]"). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function key(obj: Record<string, unknown>, name: string): unknown {
  const found = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return found === undefined ? undefined : obj[found];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseQuery(def: EntityDef, body: unknown, rules: QueryRules = {}): ParsedQuery {
  if (!isObject(body)) throw errors500('The query body must be a JSON object.');
  const rawMax = key(body, 'MaxRecords');
  const maxRecords = rawMax === undefined || rawMax === null ? 500 : rawMax;
  if (typeof maxRecords !== 'number' || !Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > 500) {
    throw errors500('MaxRecords must be between 1 and 500.');
  }
  const rawInclude = key(body, 'IncludeFields') ?? [];
  if (!Array.isArray(rawInclude) || rawInclude.some((f) => typeof f !== 'string')) {
    throw errors500('IncludeFields must be an array of field names.');
  }
  const includeFields = (rawInclude as string[]).map((name) => {
    const field = fieldByName(def, name);
    if (!field) throw errors500(`Unable to find ${name} in the ${def.name} entity.`);
    return field.name;
  });
  const rawFilter = key(body, 'Filter');
  if (!Array.isArray(rawFilter) || rawFilter.length === 0) throw errors500('A filter is required.');
  const udfs = new Set<string>();
  const filter = rawFilter.map((item) => parseNode(def, item, rules, udfs));
  if (countOrConditions(filter) > MAX_OR_CONDITIONS) {
    throw errors500(`A query may contain at most ${MAX_OR_CONDITIONS} OR conditions.`);
  }
  return { maxRecords, includeFields, filter };
}

function parseNode(def: EntityDef, raw: unknown, rules: QueryRules, udfs: Set<string>): Node {
  if (!isObject(raw)) throw errors500('Each filter item must be an object.');
  const op = textOf(key(raw, 'op') ?? '').toLowerCase();
  if (op === 'and' || op === 'or') {
    const items = key(raw, 'items');
    if (!Array.isArray(items) || items.length === 0) throw errors500(`The "${op}" filter needs items.`);
    return { kind: 'group', op, items: items.map((item) => parseNode(def, item, rules, udfs)) };
  }
  if (!OPS.has(op)) throw errors500(`Invalid filter operator: ${textOf(key(raw, 'op'))}.`);
  const name = key(raw, 'field');
  if (typeof name !== 'string' || name === '') throw errors500('Each filter condition needs a field.');
  const value = key(raw, 'value');
  if (key(raw, 'udf') === true) {
    if (!def.hasUserDefinedFields) throw errors500(`The ${def.name} entity has no user-defined fields.`);
    udfs.add(name.toLowerCase());
    if (udfs.size > 1) throw errors500('Only one user-defined field may be used in a query.');
    return { kind: 'condition', op: op as Op, field: { udf: name }, value };
  }
  const field = fieldByName(def, name);
  if (!field) throw errors500(`Unable to find ${name} in the ${def.name} entity.`);
  if (rules.unqueryable?.some((f) => f.toLowerCase() === field.name.toLowerCase())) {
    throw errors500(`The field ${field.name} is not queryable in the ${def.name} entity.`);
  }
  if (op === 'exist' || op === 'notexist') return { kind: 'condition', op, field, value: undefined };
  if (op === 'in' || op === 'notin') {
    if (!Array.isArray(value) || value.length === 0) throw errors500(`The "${op}" operator needs a non-empty array.`);
    return { kind: 'condition', op, field, value: value.map((v) => literal(def, field, v)) };
  }
  return { kind: 'condition', op: op as Op, field, value: literal(def, field, value) };
}

/** Filter values typed as the field: numbers, epoch ms for date-times, literal booleans, lower-case text. */
function literal(def: EntityDef, field: FieldDef, value: unknown): unknown {
  const bad = () => errors500(`Invalid filter value for ${field.name} in ${def.name}: ${JSON.stringify(value)}.`);
  switch (field.type) {
    case 'integer':
    case 'long':
    case 'double': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n)) throw bad();
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw errors500(`Boolean filter values must be true or false (${field.name}).`);
      return value;
    case 'datetime': {
      if (typeof value !== 'string') throw bad();
      const at = Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`);
      if (Number.isNaN(at)) throw bad();
      return at;
    }
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number') throw bad();
      return textOf(value).toLowerCase();
  }
}

function countOrConditions(nodes: Node[], inOr = false): number {
  let total = 0;
  for (const node of nodes) {
    if (node.kind === 'group') total += countOrConditions(node.items, inOr || node.op === 'or');
    else if (inOr) total += 1;
  }
  return total;
}

function recordValue(record: EntityRecord, node: Extract<Node, { kind: 'condition' }>): unknown {
  if ('udf' in node.field) {
    const udfs = Array.isArray(record.userDefinedFields) ? (record.userDefinedFields as unknown[]) : [];
    const name = node.field.udf.toLowerCase();
    const found = udfs.find((u) => isObject(u) && textOf(u.name).toLowerCase() === name);
    const value = isObject(found) ? found.value : null;
    return value === null || value === undefined ? null : textOf(value).toLowerCase();
  }
  const raw = record[node.field.name];
  if (raw === null || raw === undefined) return null;
  switch (node.field.type) {
    case 'datetime':
      return Date.parse(textOf(raw));
    case 'string':
      return textOf(raw).toLowerCase();
    default:
      return raw;
  }
}

export function matches(record: EntityRecord, nodes: readonly Node[]): boolean {
  return nodes.every((node) => evaluate(record, node));
}

function evaluate(record: EntityRecord, node: Node): boolean {
  if (node.kind === 'group') {
    return node.op === 'and'
      ? node.items.every((n) => evaluate(record, n))
      : node.items.some((n) => evaluate(record, n));
  }
  const actual = recordValue(record, node);
  if (node.op === 'exist') return actual !== null && actual !== '';
  if (node.op === 'notexist') return actual === null || actual === '';
  if (actual === null) return false;
  const expected = node.value;
  switch (node.op) {
    case 'eq':
      return actual === expected;
    case 'noteq':
      return actual !== expected;
    case 'gt':
      return compare(actual, expected) > 0;
    case 'gte':
      return compare(actual, expected) >= 0;
    case 'lt':
      return compare(actual, expected) < 0;
    case 'lte':
      return compare(actual, expected) <= 0;
    case 'beginswith':
      return textOf(actual).startsWith(textOf(expected));
    case 'endswith':
      return textOf(actual).endsWith(textOf(expected));
    case 'contains':
      return textOf(actual).includes(textOf(expected));
    case 'in':
      return (expected as unknown[]).includes(actual);
    case 'notin':
      return !(expected as unknown[]).includes(actual);
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = textOf(a);
  const right = textOf(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Keeps only the requested fields (all when none are named). */
export function project(record: EntityRecord, includeFields: readonly string[]): EntityRecord {
  if (includeFields.length === 0) return record;
  const out: EntityRecord = {};
  for (const name of includeFields) out[name] = record[name] ?? null;
  return out;
}
