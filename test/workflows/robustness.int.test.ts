import { metricsRegistry } from '../../src/observability/metrics';
import { WebhookSubscriptionStore } from '../../src/store/webhook-subscriptions';
import type { UserSyncStatus } from '../../src/workflows/user-sync/types';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { stopLeftovers } from './support/leftovers';

/**
 * Graph change notifications are hints, never truth (DESIGN.md §4.1), over the real stack: the
 * Graph emulator posts them to the API's webhook, which signals the user's sync. Duplicated,
 * reordered and dropped notifications, an expired delta token and a removed subscription must all
 * end in the same state: every change on every side, exactly once.
 *
 * The user's poll interval is far longer than any test here, so a change that arrives in time was
 * brought by a notification or a lifecycle event, except in the last test, which shortens it to
 * show the fallback poll catching a dropped notification up.
 */
/** A date `days` from today (UTC), as YYYY-MM-DD: inside every sync window. */
const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const LONG_POLL = { pollIntervalMs: 600_000, tenantPollIntervalMs: 1_000 };

describe('Graph notifications: duplicated, reordered, dropped; expired delta; removed subscription', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack({ webhooks: true });
    await stack.startWorker();
    await stack.startUserSync(LONG_POLL);
    await eventually('the user sync to subscribe', () => (graph().subscriptions.ids().length === 1 ? true : undefined));
    await eventually('the first round', async () => ((await status()).lastSync.outlook ? true : undefined));
  }, 60_000);
  afterAll(async () => {
    if (stack) await stopLeftovers(stack);
    await stack?.close();
  }, 60_000);

  const graph = () => stack.sandbox.graph;
  const mailbox = () => stack.sandbox.info.mailbox;
  const status = () => stack.client.workflow.getHandle(stack.workflowId).query<UserSyncStatus>('status');
  const outlook = (subject: string) =>
    graph()
      .userSide.listEvents(mailbox())
      .filter((e) => e.subject === subject);
  const netsuite = (title: string) => stack.sandbox.netsuite.listEvents().filter((e) => e.title === title);
  const autotask = (title: string) =>
    (stack.sandbox.autotask.userSide.list('Appointments') as { title: string }[]).filter((a) => a.title === title);
  /** Exactly one copy on each side (and none left under the other titles). */
  const onceEverywhere = (title: string, goneTitles: string[] = []) =>
    eventually(`"${title}" once on every side`, () => {
      const gone = goneTitles.every((t) => netsuite(t).length + autotask(t).length + outlook(t).length === 0);
      return gone && outlook(title).length === 1 && netsuite(title).length === 1 && autotask(title).length === 1
        ? true
        : undefined;
    });
  const goneEverywhere = (title: string) =>
    eventually(`"${title}" gone from every side`, () =>
      outlook(title).length + netsuite(title).length + autotask(title).length === 0 ? true : undefined
    );
  const event = (subject: string, day: number) =>
    graph().userSide.createEvent(mailbox(), {
      subject,
      start: `${dateIn(day)}T10:00:00`,
      end: `${dateIn(day)}T11:00:00`,
      timeZone: 'UTC',
    });
  const netsuiteEvent = (title: string, day: number) =>
    stack.sandbox.netsuite.userSide.createEvent(stack.sandbox.info.netsuite.employeeId, {
      title,
      date: dateIn(day),
      startTime: '09:00',
      endTime: '10:00',
      timezone: 'UTC',
    });
  /** Graph notifications the API dropped as the echo of our own write (its metrics, in this process). */
  const graphEchoes = async () =>
    (await metricsRegistry.getSingleMetric('calsync_webhook_notifications_total')!.get()).values.find(
      (v) => v.labels.source === 'graph' && v.labels.outcome === 'echo'
    )?.value ?? 0;
  /** The activity types the user's workflow ran so far (this run): as activities, and inside its workflow tasks. */
  const ranActivities = async () => {
    const events = (await stack.client.workflow.getHandle(stack.workflowId).fetchHistory()).events!;
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    // A local activity's marker names its type in plain JSON written by the SDK's core (ADR 0012).
    const inTask = events.flatMap((e) => {
      const marker = e.markerRecordedEventAttributes;
      const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
      return data ? [(JSON.parse(Buffer.from(data).toString()) as { activity_type: string }).activity_type] : [];
    });
    return { scheduled, inTask };
  };
  /** Outlook rounds (pullOutlook, either way) the user's workflow ran so far (this run). */
  const outlookRounds = async () => {
    const { scheduled, inTask } = await ranActivities();
    return [...scheduled, ...inTask].filter((type) => type === 'pullOutlook').length;
  };
  /** The fallback poll's peeks the user's workflow ran so far (this run). */
  const peeks = async () => (await ranActivities()).inTask.filter((type) => type === 'peekOutlook').length;
  const changeDeliveries = (resourceId: string) =>
    graph().notifications.filter((n) => n.kind === 'change' && n.resourceId === resourceId);

  it('a notification delivered twice syncs the change once', async () => {
    graph().faults.duplicateNextNotifications(2);
    const created = event('Duplicated notification', 2);
    await onceEverywhere('Duplicated notification');
    graph().userSide.updateEvent(mailbox(), created.id, { subject: 'Duplicated notification (edited)' });
    await onceEverywhere('Duplicated notification (edited)', ['Duplicated notification']);
    await graph().subscriptions.settle();
    // Both changes were really posted twice, and the webhook took every copy.
    const deliveries = changeDeliveries(created.id);
    expect(deliveries.map((d) => [d.changeType, d.status])).toEqual([
      ['created', 202],
      ['created', 202],
      ['updated', 202],
      ['updated', 202],
    ]);
  }, 90_000);

  it('notifications delivered in reverse order end in the latest state', async () => {
    const kept = event('Reordered: kept', 3);
    const removed = event('Reordered: removed', 4);
    await onceEverywhere('Reordered: kept');
    await onceEverywhere('Reordered: removed');
    // Held for a moment and delivered last-first: "deleted" before "updated", "updated" before "created".
    graph().faults.set({ notificationReorder: true, notificationReorderWindowMs: 300 });
    graph().userSide.updateEvent(mailbox(), kept.id, { subject: 'Reordered: kept (v2)' });
    graph().userSide.updateEvent(mailbox(), kept.id, { subject: 'Reordered: kept (v3)' });
    graph().userSide.updateEvent(mailbox(), removed.id, { location: 'Room 9' });
    graph().userSide.deleteEvent(mailbox(), removed.id);
    const fresh = event('Reordered: new', 5);
    graph().userSide.updateEvent(mailbox(), fresh.id, { subject: 'Reordered: new (renamed)' });
    await onceEverywhere('Reordered: kept (v3)', ['Reordered: kept', 'Reordered: kept (v2)']);
    await goneEverywhere('Reordered: removed');
    await onceEverywhere('Reordered: new (renamed)', ['Reordered: new']);
    await graph().subscriptions.settle();
    graph().faults.set({ notificationReorder: false });
    // Every one of them was really posted (held and released last-first) and taken by the webhook.
    const forRemoved = changeDeliveries(removed.id).map((d) => `${d.changeType} ${d.status}`);
    expect(forRemoved).toEqual(expect.arrayContaining(['updated 202', 'deleted 202']));
  }, 90_000);

  it('an expired delta token makes the next pull read the window again, without duplicating anything', async () => {
    const before = stack.sandbox.netsuite.listEvents().length;
    const appointmentsBefore = stack.sandbox.autotask.userSide.list('Appointments').length;
    graph().faults.expireDeltaTokens();
    event('After the delta token expired', 6);
    await onceEverywhere('After the delta token expired');
    // Graph answered 410 to the old token, and the read from scratch re-created nothing.
    expect(graph().requestLog.some((r) => r.status === 410 && r.url.includes('delta'))).toBe(true);
    expect(stack.sandbox.netsuite.listEvents()).toHaveLength(before + 1);
    expect(stack.sandbox.autotask.userSide.list('Appointments')).toHaveLength(appointmentsBefore + 1);
    for (const title of ['Duplicated notification (edited)', 'Reordered: kept (v3)', 'Reordered: new (renamed)'])
      await onceEverywhere(title);
  }, 90_000);

  it('a "missed" lifecycle event makes the sync read again what a lost notification named', async () => {
    const [subscription] = graph().subscriptions.ids();
    graph().faults.dropNextNotifications(1);
    const lost = event('Missed notification', 9);
    await graph().subscriptions.settle();
    expect(changeDeliveries(lost.id).map((d) => d.dropped)).toEqual([true]);
    await graph().subscriptions.sendLifecycle(subscription!, 'missed');
    await onceEverywhere('Missed notification');
    // The subscription itself was fine: it is kept.
    expect(graph().subscriptions.ids()).toEqual([subscription]);
  }, 90_000);

  it('a removed subscription is re-created, and what changed meanwhile is synced', async () => {
    const [old] = graph().subscriptions.ids();
    graph().faults.dropNextNotifications(1);
    const meanwhile = event('While unsubscribed', 10);
    await graph().subscriptions.settle();
    await graph().subscriptions.sendLifecycle(old!, 'subscriptionRemoved');
    const [renewed] = await eventually('a new subscription', () => {
      const ids = graph().subscriptions.ids();
      return ids.length === 1 && ids[0] !== old ? ids : undefined;
    });
    await onceEverywhere('While unsubscribed');
    const stored = await new WebhookSubscriptionStore(stack.db.pool).forUser(stack.sandbox.userId);
    expect(stored.map((s) => s.id)).toEqual([renewed]);
    // The new subscription carries the next change by itself.
    graph().userSide.updateEvent(mailbox(), meanwhile.id, { subject: 'While unsubscribed (then subscribed)' });
    await onceEverywhere('While unsubscribed (then subscribed)', ['While unsubscribed']);
    expect(changeDeliveries(meanwhile.id).filter((d) => d.subscriptionId === renewed && d.status === 202)).toHaveLength(
      1
    );
  }, 90_000);

  it("the notification of sync's own Outlook write costs no Graph call at all", async () => {
    const ns = netsuiteEvent('Echo check', 6);
    const [copy] = await eventually('the copy in Outlook', () =>
      outlook('Echo check').length ? outlook('Echo check') : undefined
    );
    await graph().subscriptions.settle();
    const lastSyncBefore = (await status()).lastSync.outlook;
    const skippedBefore = (await status()).counts.skipped;
    const echoesBefore = await graphEchoes();
    stack.sandbox.netsuite.userSide.editEvent(stack.sandbox.info.netsuite.employeeId, ns.id, { title: 'Echo check 2' });
    await onceEverywhere('Echo check 2', ['Echo check']);
    const patchAt = graph().requestLog.findLastIndex(
      (r) => r.method === 'PATCH' && r.url.includes(encodeURIComponent(copy!.id))
    );
    expect(patchAt).toBeGreaterThanOrEqual(0);
    // Our PATCH makes Graph notify us, with the etag of the version we stored: the API drops it
    // (the version is stored already), or, when it beat the store, the workflow knows the version
    // from the round that wrote it, or its Outlook round finds in PostgreSQL alone that there is
    // nothing to read.
    await eventually('the notification of our PATCH', () =>
      changeDeliveries(copy!.id).some((n) => n.changeType === 'updated' && n.status === 202) ? true : undefined
    );
    await eventually('the API, the workflow or its Outlook round to settle it', async () => {
      const now = await status();
      const settled =
        (await graphEchoes()) > echoesBefore ||
        now.counts.skipped > skippedBefore ||
        (now.lastSync.outlook && now.lastSync.outlook !== lastSyncBefore);
      return settled ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const callsAfter = graph()
      .requestLog.slice(patchAt + 1)
      .filter((r) => r.url.includes('/delta') || (r.method === 'GET' && r.url.includes(encodeURIComponent(copy!.id))));
    expect(callsAfter).toEqual([]);

    // A person's edit right after is a new version: it is read and synced as usual, from the
    // delta's copy of the event (it is linked already), with no GET of its own.
    const editAt = graph().requestLog.length;
    graph().userSide.updateEvent(mailbox(), copy!.id, { subject: 'Echo check 3' });
    await onceEverywhere('Echo check 3', ['Echo check 2']);
    const reads = graph()
      .requestLog.slice(editAt)
      .filter((r) => r.url.includes('/delta') || (r.method === 'GET' && r.url.includes(encodeURIComponent(copy!.id))));
    expect(reads.map((r) => (r.url.includes('/delta') ? 'delta' : 'GET event'))).toEqual(['delta']);
  }, 60_000);

  it('the notification of our write that arrives before the write is stored costs the workflow no round', async () => {
    const ns = netsuiteEvent('Early echo', 9);
    await onceEverywhere('Early echo');
    const [copy] = outlook('Early echo');
    await graph().subscriptions.settle();
    // Autotask is slow: the round that writes Outlook stores the new version only once Autotask
    // answered, long after Graph notified (at once), so the API cannot know the version yet.
    stack.sandbox.autotask.faults.setLatency(1_500);
    const echoesBefore = await graphEchoes();
    const pullsBefore = await outlookRounds();
    const netsuiteRoundBefore = (await status()).lastSync.netsuite;
    const before = graph().requestLog.length;
    try {
      stack.sandbox.netsuite.userSide.editEvent(stack.sandbox.info.netsuite.employeeId, ns.id, {
        title: 'Early echo 2',
      });
      await onceEverywhere('Early echo 2', ['Early echo']);
    } finally {
      stack.sandbox.autotask.faults.setLatency(0);
    }
    await eventually('the notification of our PATCH', () =>
      changeDeliveries(copy!.id).some((n) => n.changeType === 'updated' && n.status === 202) ? true : undefined
    );
    await eventually('the NetSuite round that wrote Outlook to end', async () => {
      const last = (await status()).lastSync.netsuite;
      return last && last !== netsuiteRoundBefore ? true : undefined;
    });
    await graph().subscriptions.settle();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await graphEchoes()).toBe(echoesBefore); // it went to the workflow
    expect(await outlookRounds()).toBe(pullsBefore); // which ran no Outlook round for it
    const patchAt = graph().requestLog.findIndex(
      (r, i) => i >= before && r.method === 'PATCH' && r.url.includes(encodeURIComponent(copy!.id))
    );
    expect(patchAt).toBeGreaterThanOrEqual(0);
    // No delta read either. (A GET of the event may come: Autotask being slow, the tenant poller
    // can see our appointment write before its stamp is stored and send a round that reads first.)
    const reads = graph()
      .requestLog.slice(patchAt + 1)
      .filter((r) => r.url.includes('/delta'));
    expect(reads).toEqual([]);
  }, 60_000);

  it("a person's Outlook edit is not taken for sync's echo when our write's notification arrives after it", async () => {
    const ns = netsuiteEvent('Late echo', 8);
    await onceEverywhere('Late echo');
    const [copy] = outlook('Late echo');
    await graph().subscriptions.settle();
    // Notifications are held for a second and released last-first: the person's edit, then ours.
    // Both arrive while the round that wrote ours is still busy with Autotask (slow here).
    graph().faults.set({ notificationReorder: true, notificationReorderWindowMs: 1_000 });
    stack.sandbox.autotask.faults.setLatency(1_500);
    const before = graph().requestLog.length;
    stack.sandbox.netsuite.userSide.editEvent(stack.sandbox.info.netsuite.employeeId, ns.id, { title: 'Late echo 2' });
    await eventually(
      'our PATCH of the Outlook copy',
      () =>
        graph()
          .requestLog.slice(before)
          .some((r) => r.method === 'PATCH' && r.url.includes(encodeURIComponent(copy!.id))) || undefined,
      10_000
    );
    graph().userSide.updateEvent(mailbox(), copy!.id, { subject: 'Late echo 3' });
    await graph().subscriptions.settle();
    graph().faults.set({ notificationReorder: false });
    stack.sandbox.autotask.faults.setLatency(0);
    await onceEverywhere('Late echo 3', ['Late echo', 'Late echo 2']);
  }, 60_000);

  it("deleting sync's own Outlook copy is synced, though its notification carries the etag of sync's write", async () => {
    netsuiteEvent('Deleted copy', 7);
    await onceEverywhere('Deleted copy');
    const [copy] = outlook('Deleted copy');
    // The created notification of our write was taken (and recognised as our echo) before the delete.
    await eventually('the notification of our create', () =>
      changeDeliveries(copy!.id).some((n) => n.changeType === 'created' && n.status === 202) ? true : undefined
    );
    graph().userSide.deleteEvent(mailbox(), copy!.id);
    await goneEverywhere('Deleted copy');
    const deletion = changeDeliveries(copy!.id).filter((n) => n.changeType === 'deleted');
    expect(deletion.map((n) => n.status)).toEqual([202]);
  }, 60_000);

  it('a dropped notification is caught up by the fallback poll', async () => {
    // The same sync, now polling every few seconds; wait for its first round before the change.
    const restartedAt = new Date().toISOString();
    await stack.startUserSync({ ...LONG_POLL, pollIntervalMs: 3_000 });
    await eventually('the restarted sync to read Outlook', async () => {
      const last = (await status()).lastSync.outlook;
      return last && last > restartedAt ? true : undefined;
    });
    // A quiet mailbox's poll is a peek inside the workflow task (a local activity), not a round.
    const pulls = await outlookRounds();
    const polledAt = (await status()).lastSync.outlook!;
    await eventually('a quiet fallback poll', async () => {
      const last = (await status()).lastSync.outlook;
      return last && last > polledAt ? true : undefined;
    });
    expect(await outlookRounds()).toBe(pulls);
    expect(await peeks()).toBeGreaterThan(0);
    graph().faults.dropNextNotifications(1);
    const dropped = event('Dropped notification', 11);
    await graph().subscriptions.settle();
    expect(changeDeliveries(dropped.id).map((d) => d.dropped)).toEqual([true]);
    await onceEverywhere('Dropped notification');
  }, 90_000);

  it('ends with no error, nothing duplicated, and no email sent by sync', async () => {
    const s = await status();
    expect(s.state).toBe('running');
    expect(s.counts.failed).toBe(0);
    const titles = stack.sandbox.netsuite.listEvents().map((e) => e.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles.sort()).toEqual(
      [
        'After the delta token expired',
        'Dropped notification',
        'Duplicated notification (edited)',
        'Early echo 2',
        'Echo check 3',
        'Late echo 3',
        'Missed notification',
        'Reordered: kept (v3)',
        'Reordered: new (renamed)',
        'While unsubscribed (then subscribed)',
      ].sort()
    );
    const appointments = (stack.sandbox.autotask.userSide.list('Appointments') as { title: string }[]).map(
      (a) => a.title
    );
    expect(appointments.sort()).toEqual(titles);
    expect(graph().sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  });
});
