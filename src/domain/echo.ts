import { type Side } from './canonical-event';
import { type FieldKey, fieldEquals, fieldKeysOf, getField, PLAIN_FIELD_KEYS, setField } from './field-rules';
import { normalizeFields, type Projection, type ProjectionContext, type ProjectionFields } from './projection';
import { endWithinStartDay } from './time-zones';

/**
 * Echo comparison: a replica was edited by a person iff a fresh read differs from its base on a
 * field its side carries. A stored base may hold more than the side can echo (a base written
 * before a field was dropped from the side's projection, or under another deployment setting such
 * as NetSuite native recurrence): such a field reads back differently and would look like an
 * edit, which resurrects deleted items ("modified wins") and overwrites real edits. So the base is
 * first brought into the side's projection, the same way every read is.
 */

/**
 * The base as its side can echo it: only the fields the side carries, in its precision. Given the
 * fresh read, a field the base never had (the item came from a side without it, as an Autotask
 * appointment has no location) that reads back empty is the side's own default, not an edit.
 */
export function echoedBase(side: Side, base: Projection, ctx: ProjectionContext, read?: ProjectionFields): Projection {
  let fields = normalizeFields(side, base.fields, ctx);
  if (side === 'netsuite') fields = cutAtEndOfDay(fields, read);
  for (const key of PLAIN_FIELD_KEYS) {
    const value = read ? getField(read, key) : undefined;
    if (getField(fields, key) === undefined && isEmpty(value)) fields = setField(fields, key, value);
  }
  return { side, fields };
}

/**
 * NetSuite events have one date: a timed event ending on a later day is written to end at 23:59
 * of its first day (the connector's multi-day rule) and reads back so, which is our own write,
 * not an edit that would carry the cut end back to Outlook and Autotask. The day is the record's
 * own zone (the read's), as the write used it.
 */
function cutAtEndOfDay(fields: ProjectionFields, read: ProjectionFields | undefined): ProjectionFields {
  const timing = fields.timing;
  if (!timing || timing.allDay) return fields;
  const zone = read?.timing?.timeZone ?? timing.timeZone;
  return { ...fields, timing: { ...timing, end: endWithinStartDay(timing.start, timing.end, zone) } };
}

function isEmpty(value: unknown): boolean {
  if (value === '' || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/** The fields where a read (already in its side's projection) differs from its echoed base. */
export function editedFields(current: ProjectionFields, base: ProjectionFields): FieldKey[] {
  return fieldKeysOf([current, base]).filter((key) => !fieldEquals(key, getField(current, key), getField(base, key)));
}
