import { heartbeat } from '@temporalio/activity';
import type { CanonicalEvent } from '../domain/canonical-event';
import { stableStringify } from '../domain/stable-json';
import type { IdentifiedGraphEvent } from '../providers/graph';
import { directoryOf } from '../providers/netsuite/entity-directory';
import { canonicalToNetSuite } from '../providers/netsuite/mapping';
import type { ActivityContext, UserRef } from './context';

export interface SyncBatchResult {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** When the pull finished (ISO instant). */
  at: string;
}

const DELTA_SOURCE = 'graph-calendar-delta';
const WINDOW_PAST_DAYS = 30;
const WINDOW_FUTURE_DAYS = 365;

/** NetSuite external ids derive from our link id: PUT …/eid: is then an idempotent upsert. */
export const netsuiteExternalId = (linkId: string) => `calsync-${linkId}`;

/**
 * The foundation slice of Outlook → NetSuite: read what changed in the mailbox (Graph delta, the
 * truth), and upsert each changed single event into NetSuite by external id, recording the link and
 * the Outlook projection that was synced. An event whose projection equals the recorded base is our
 * own echo or an irrelevant change, and is skipped. Series, deletes and the reverse direction are
 * the sync engine's (issue 7).
 */
export async function syncOutlookToNetSuite(ctx: ActivityContext, ref: UserRef): Promise<SyncBatchResult> {
  const { user, tenant } = await ctx.loadUser(ref);
  const connectors = await ctx.connectors.forTenant(tenant.id);
  if (!connectors.graph || !connectors.netsuite) {
    throw new Error(`tenant ${tenant.id} has no Outlook or NetSuite connection`);
  }
  const { graph, netsuite } = connectors;
  const now = ctx.now();
  const window = {
    start: new Date(now.getTime() - WINDOW_PAST_DAYS * 86_400_000).toISOString(),
    end: new Date(now.getTime() + WINDOW_FUTURE_DAYS * 86_400_000).toISOString(),
  };
  const deltaLink = await ctx.cursors.get(tenant.id, user.id, DELTA_SOURCE);
  const changes = await graph.listChanges(user.mailbox, window, deltaLink);
  const result: SyncBatchResult = { created: 0, updated: 0, skipped: 0, failed: 0, at: '' };

  for (const event of changes.events) {
    heartbeat(event.id);
    if (event.type !== 'singleInstance' || event.isCancelled) {
      result.skipped++;
      continue;
    }
    const outcome = await syncOne(ctx, { tenantId: tenant.id, userId: user.id, timeZone: user.timeZone }, event, {
      toCanonical: (e) => graph.toCanonical(e, { fallbackZone: user.timeZone }).event,
      upsert: (externalId, canonical) =>
        netsuite.upsertCalendarEventByExternalId(
          externalId,
          canonicalToNetSuite(canonical, { userTimeZone: user.timeZone, entities: directoryOf([]) }).fields
        ),
    });
    result[outcome]++;
  }
  await ctx.cursors.set(tenant.id, user.id, DELTA_SOURCE, changes.deltaLink);
  result.at = ctx.now().toISOString();
  return result;
}

interface SyncOneDeps {
  toCanonical(event: IdentifiedGraphEvent): CanonicalEvent;
  upsert(externalId: string, event: CanonicalEvent): Promise<{ id: string }>;
}

async function syncOne(
  ctx: ActivityContext,
  owner: { tenantId: string; userId: string; timeZone: string },
  event: IdentifiedGraphEvent,
  deps: SyncOneDeps
): Promise<'created' | 'updated' | 'skipped'> {
  const canonical = deps.toCanonical(event);
  // The Outlook projection: what this slice carries to NetSuite.
  const projection = {
    title: canonical.title,
    description: canonical.description,
    location: canonical.location,
    timing: canonical.timing,
    visibility: canonical.visibility,
  };
  const existing = await ctx.links.findByNativeId(owner.userId, 'outlook', event.id);
  if (existing && stableStringify(existing.sides.outlook?.base) === stableStringify(projection)) return 'skipped';

  const linkId = existing?.id ?? ctx.deriveLinkId(owner.userId, 'outlook', event.id);
  const link = { id: linkId, tenantId: owner.tenantId, userId: owner.userId };
  const externalId = netsuiteExternalId(linkId);
  if (!existing) {
    await ctx.links.ensure({ ...link, kind: 'event', owner: 'outlook', icalUid: event.iCalUId ?? null });
    // The intent is recorded before the call: a retry finds the same external id.
    await ctx.links.recordSide(link, { side: 'netsuite', nativeId: null, intentKey: externalId, nativeVersion: null, base: null });
  }
  const written = await deps.upsert(externalId, canonical);
  await ctx.links.recordSide(link, {
    side: 'outlook',
    nativeId: event.id,
    intentKey: `outlook:${event.id}`,
    nativeVersion: event.changeKey ?? null,
    base: projection,
  });
  await ctx.links.recordSide(link, {
    side: 'netsuite',
    nativeId: written.id,
    intentKey: externalId,
    nativeVersion: null,
    base: projection,
  });
  await ctx.audit.record({
    tenantId: owner.tenantId,
    userId: owner.userId,
    linkId,
    action: existing ? 'update' : 'create',
    sourceSide: 'outlook',
    targetSide: 'netsuite',
    fields: Object.keys(projection),
    reason: existing ? 'changed in Outlook' : 'new in Outlook',
    detail: { outlookId: event.id, netsuiteId: written.id },
  });
  return existing ? 'updated' : 'created';
}
