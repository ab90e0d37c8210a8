import type { Side } from '../../../src/domain/canonical-event';
import { idempotencyKey } from '../../../src/domain/identity';
import { replicaKey } from '../../../src/domain/link';
import type { CreateAction, DeleteAction, RsvpAction, UpdateFieldsAction } from '../../../src/domain/plan-action';
import {
  normalizeFields,
  type Projection,
  type ProjectionContext,
  type ProjectionFields,
} from '../../../src/domain/projection';
import type { ResponseStatus } from '../../../src/domain/canonical-event';

/** Plan actions as the planner builds them (normalised projections, newBase = what the side will hold). */

export function createAction(
  side: Side,
  itemId: string,
  fields: ProjectionFields,
  ctx: ProjectionContext = {},
  opts: { userId?: string; occurrenceKey?: string } = {}
): CreateAction {
  const replica = replicaKey(side, opts.userId);
  const projection: Projection = { side, fields: normalizeFields(side, fields, ctx) };
  return {
    type: 'create',
    replica,
    side,
    ...(opts.userId !== undefined ? { userId: opts.userId } : {}),
    ...(opts.occurrenceKey !== undefined ? { occurrenceKey: opts.occurrenceKey } : {}),
    reason: 'new',
    projection,
    idempotencyKey: idempotencyKey(itemId, replica, opts.occurrenceKey),
    newBase: projection,
  };
}

export function updateAction(
  base: Projection,
  fields: ProjectionFields,
  ctx: ProjectionContext = {},
  userId?: string
): UpdateFieldsAction {
  const normalized = normalizeFields(base.side, fields, ctx);
  return {
    type: 'update-fields',
    replica: replicaKey(base.side, userId),
    side: base.side,
    ...(userId !== undefined ? { userId } : {}),
    fields: normalized,
    changed: Object.keys(normalized) as UpdateFieldsAction['changed'],
    newBase: { side: base.side, fields: { ...base.fields, ...normalized } },
  };
}

export function deleteAction(side: Side, userId?: string): DeleteAction {
  return {
    type: 'delete',
    replica: replicaKey(side, userId),
    side,
    ...(userId !== undefined ? { userId } : {}),
    reason: 'deleted-elsewhere',
  };
}

export function rsvpAction(base: Projection, email: string, response: ResponseStatus, userId: string): RsvpAction {
  return {
    type: 'rsvp',
    replica: replicaKey('outlook', userId),
    side: 'outlook',
    userId,
    response,
    newBase: { side: 'outlook', fields: { ...base.fields, responses: { [email]: response } } },
  };
}

/** The fields of `projection` among `keys` that `reference` carries (the fields an adapter writes). */
export function only(
  projection: Projection | undefined,
  keys: readonly (keyof ProjectionFields)[],
  reference: Projection | undefined = projection
) {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (reference?.fields[key] !== undefined) out[key] = projection?.fields[key];
  return out;
}
