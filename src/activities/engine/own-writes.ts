import { replicaKey } from '../../domain/link';
import { plan } from '../../domain/plan';
import { projectionContext, type RecordRef, type TenantSyncContext } from './sync-records';

/**
 * True when the record, as read now, would change nothing: planned against its stored link it
 * gives no action but skips. That is what the user's round would find (it reads the other
 * replicas only when it is about to overwrite them), so a poller that knows this need not wake
 * it: the record shows our own write, or a change no other side carries. Unknown records and
 * series occurrences (the series engine's) are always left to the round.
 */
export async function changesNothing(ctx: TenantSyncContext, ref: RecordRef): Promise<boolean> {
  const io = ctx.io[ref.side];
  const owner = ctx.owners.get(ref.userId);
  if (!io || !owner) return false;
  const key = replicaKey(ref.side, ref.side === 'netsuite' ? undefined : ref.userId);
  const stored = await ctx.items.findByRecord(ctx.tenantId, key, ref.recordId);
  if (!stored || stored.link.kind === 'occurrence' || !stored.link.replicas[key]?.base) return false;
  const read = await io.read(owner, ref.recordId, projectionContext(ctx, owner));
  if (read.observation.state !== 'present') return false;
  const planned = plan(stored.link, { [key]: { ...read.observation, recordId: ref.recordId } }, ctx.policy);
  return planned.actions.every((a) => a.type === 'skip');
}
