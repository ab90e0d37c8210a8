import type { GraphEvent } from './schemas';

/**
 * Our identity on Outlook items: named String single-value extended properties in one GUID
 * namespace. Graph finds items by them with `$filter` and returns them only when `$expand`ed.
 * The name part is matched case-sensitively by Graph, so the names here are fixed forever.
 */

export const identityPropertyNames = {
  itemId: 'CalsyncItemId',
  netsuiteId: 'NetSuiteId',
  autotaskId: 'AutotaskId',
} as const;

export type IdentityKey = keyof typeof identityPropertyNames;
export type GraphIdentity = Partial<Record<IdentityKey, string>>;

const keys = Object.keys(identityPropertyNames) as IdentityKey[];

export function propertyId(namespace: string, key: IdentityKey): string {
  return `String ${namespace} Name ${identityPropertyNames[key]}`;
}

/** An OData string literal (quotes doubled). */
export const odataString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** `$expand` value that returns all our identity properties with an event. */
export function identityExpand(namespace: string): string {
  const ids = keys.map((k) => `id eq ${odataString(propertyId(namespace, k))}`).join(' or ');
  return `singleValueExtendedProperties($filter=${ids})`;
}

/** `$filter` value that finds events whose property `key` equals `value` (Graph compares values case-insensitively). */
export function identityFilter(namespace: string, key: IdentityKey, value: string): string {
  return `singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(propertyId(namespace, key))} and ep/value eq ${odataString(value)})`;
}

/** Reads our identity from an event fetched with `identityExpand`. */
export function readIdentity(event: GraphEvent, namespace: string): GraphIdentity {
  const out: GraphIdentity = {};
  for (const prop of event.singleValueExtendedProperties ?? []) {
    const key = keys.find((k) => sameId(prop.id, propertyId(namespace, k)));
    if (key && prop.value) out[key] = prop.value;
  }
  return out;
}

/** The `singleValueExtendedProperties` entries that write an identity. */
export function identityWrites(namespace: string, identity: GraphIdentity): { id: string; value: string }[] {
  return keys
    .filter((k) => identity[k] !== undefined)
    .map((k) => ({ id: propertyId(namespace, k), value: identity[k] ?? '' }));
}

/** Graph may echo the GUID in another case; the type and GUID are case-insensitive, the name is not. */
function sameId(a: string, b: string): boolean {
  const split = (id: string) => {
    const m = /^(\w+)\s+(\{[^}]+\})\s+Name\s+(.+)$/i.exec(id.trim());
    return m ? `${m[1]?.toLowerCase()}|${m[2]?.toLowerCase()}|${m[3]}` : id;
  };
  return split(a) === split(b);
}
