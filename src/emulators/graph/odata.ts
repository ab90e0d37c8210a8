import { samePropertyId } from './property-id';
import { GraphHttpError } from './graph-error';
import type { ExtendedProperty, StoredEvent } from './model';

/**
 * The slice of OData query syntax the calendar endpoints need: `$filter` on extended properties,
 * iCalUId and transactionId, and `$expand` of extended properties and exception occurrences.
 */

const badFilter = (detail: string) =>
  new GraphHttpError(
    400,
    'ErrorInvalidUrlQueryFilter',
    `The query filter contains one or more invalid nodes. ${detail}`
  );

/** Splits on a separator that sits outside parentheses and quotes. */
function splitTop(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0) {
      const m = separator.exec(text.slice(i));
      if (m && m.index === 0) {
        parts.push(text.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const literal = String.raw`'((?:[^']|'')*)'`;
const unquote = (s: string) => s.replaceAll("''", "'");

type PropertyPredicate = (p: ExtendedProperty) => boolean;

/** `id eq '…' [or id eq '…']` inside an extended-property $expand or lambda. */
function propertyIdPredicate(text: string, variable = ''): PropertyPredicate {
  const prefix = variable ? `${variable}/` : '';
  const ids = splitTop(text, /^\s+or\s+/i).map((term) => {
    const m = new RegExp(`^${prefix.replace('/', '\\/')}id\\s+eq\\s+${literal}$`, 'i').exec(term.trim());
    if (!m?.[1]) throw badFilter(`Unsupported term: ${term}`);
    return unquote(m[1]);
  });
  return (p) => ids.some((id) => samePropertyId(p.id, id));
}

export interface Expansion {
  extended?: PropertyPredicate;
  exceptions: boolean;
}

export function parseExpand(expand: string | undefined): Expansion {
  const out: Expansion = { exceptions: false };
  if (!expand) return out;
  for (const item of splitTop(expand, /^,/)) {
    const m = /^(\w+)(?:\((.*)\))?$/s.exec(item);
    const name = m?.[1]?.toLowerCase();
    if (name === 'exceptionoccurrences') out.exceptions = true;
    else if (name === 'singlevalueextendedproperties') {
      const inner = m?.[2]?.trim();
      if (!inner) out.extended = () => true;
      else {
        const f = /^\$filter=(.*)$/is.exec(inner);
        if (!f?.[1]) throw badFilter(`Unsupported expand options: ${inner}`);
        out.extended = propertyIdPredicate(f[1]);
      }
    } else {
      throw new GraphHttpError(
        400,
        'BadRequest',
        `Could not find a property named '${item}' on type 'microsoft.graph.event'.`
      );
    }
  }
  return out;
}

/** A predicate over stored events for `GET /events?$filter=…`. */
export function parseEventFilter(filter: string | undefined): (e: StoredEvent) => boolean {
  if (!filter) return () => true;
  const terms = splitTop(filter.trim(), /^\s+and\s+/i).map((term) => parseTerm(term));
  return (e) => terms.every((t) => t(e));
}

function parseTerm(term: string): (e: StoredEvent) => boolean {
  const any = /^singleValueExtendedProperties\/any\((\w+):\s*(.*)\)$/is.exec(term);
  if (any?.[1] && any[2]) {
    const v = any[1];
    const parts = splitTop(any[2], /^\s+and\s+/i);
    const idTerm = parts.find((p) => new RegExp(`^${v}\\/id\\s`, 'i').test(p));
    const valueTerm = parts.find((p) => new RegExp(`^${v}\\/value\\s`, 'i').test(p));
    if (!idTerm || parts.length > 2) throw badFilter(`Unsupported lambda: ${term}`);
    const idMatch = propertyIdPredicate(idTerm, v);
    const valueMatch = valueTerm ? valuePredicate(valueTerm, v) : () => true;
    return (e) => e.extendedProperties.some((p) => idMatch(p) && valueMatch(p.value));
  }
  const eq = new RegExp(`^(iCalUId|transactionId|subject|type)\\s+eq\\s+${literal}$`, 'i').exec(term);
  if (eq?.[1] && eq[2] !== undefined) {
    const field = eq[1].toLowerCase();
    const value = unquote(eq[2]);
    return (e) => {
      const actual =
        field === 'icaluid'
          ? e.iCalUId
          : field === 'transactionid'
            ? e.transactionId
            : field === 'subject'
              ? e.subject
              : e.type;
      return (actual ?? '').toLowerCase() === value.toLowerCase();
    };
  }
  throw badFilter(`Unsupported term: ${term}`);
}

function valuePredicate(term: string, v: string): (value: string) => boolean {
  const m = new RegExp(`^${v}\\/value\\s+(eq|ne)\\s+${literal}$`, 'i').exec(term);
  const fn = new RegExp(`^(contains|startswith)\\(${v}\\/value,\\s*${literal}\\)$`, 'i').exec(term);
  if (m?.[1] && m[2] !== undefined) {
    const want = unquote(m[2]).toLowerCase();
    return m[1].toLowerCase() === 'eq' ? (x) => x.toLowerCase() === want : (x) => x.toLowerCase() !== want;
  }
  if (fn?.[1] && fn[2] !== undefined) {
    const want = unquote(fn[2]).toLowerCase();
    return fn[1].toLowerCase() === 'contains'
      ? (x) => x.toLowerCase().includes(want)
      : (x) => x.toLowerCase().startsWith(want);
  }
  throw badFilter(`Unsupported value comparison: ${term}`);
}

export function parseSelect(select: string | undefined): string[] | undefined {
  return select
    ? select
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}
