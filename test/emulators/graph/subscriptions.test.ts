import { startHarness, startReceiver, type Harness, type Receiver } from './harness';

/** Subscriptions: handshake, notifications, lifecycle events, lifetime, and notification faults. */
describe('Graph emulator: subscriptions', () => {
  let h: Harness;
  let rx: Receiver;
  beforeAll(async () => {
    h = await startHarness({ validationTimeoutMs: 300 });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await h.close();
    await rx.close();
  });
  beforeEach(() => {
    rx.mode = 'echo';
    rx.failNotifications = 0;
    rx.received.length = 0;
    h.emu.faults.reset();
  });

  const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
  const subscribe = (extra: Record<string, unknown> = {}) =>
    h.call('POST', '/subscriptions', {
      changeType: 'created,updated,deleted',
      notificationUrl: `${rx.url}/notify`,
      lifecycleNotificationUrl: `${rx.url}/lifecycle`,
      resource: `users/${h.alice}/events`,
      expirationDateTime: inMinutes(60),
      clientState: 'secret-state',
      ...extra,
    });

  it('creates a subscription only when the receiver echoes the validation token', async () => {
    const ok = await subscribe();
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ resource: `users/${h.alice}/events`, clientState: 'secret-state' });
    rx.mode = 'wrong';
    expect((await subscribe()).status).toBe(400);
    rx.mode = 'slow';
    expect((await subscribe()).status).toBe(400);
    rx.mode = 'fail';
    expect((await subscribe()).status).toBe(400);
  });

  it('refuses lifetimes beyond the maximum', async () => {
    const res = await subscribe({ expirationDateTime: inMinutes(4231) });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'ExtensionError',
      message: 'Subscription expiration can only be 4230 minutes in the future.',
    });
  });

  it('notifies created, updated and deleted with clientState and resourceData', async () => {
    const sub = (await subscribe()).json;
    const ev = h.emu.userSide.createEvent(h.alice, {
      subject: 'N',
      start: '2026-03-05T10:00',
      end: '2026-03-05T11:00',
    });
    h.emu.userSide.updateEvent(h.alice, ev.id, { subject: 'N2' });
    h.emu.userSide.deleteEvent(h.alice, ev.id);
    await h.emu.subscriptions.settle();
    const notes = rx.received.filter((r) => r.path === '/notify').flatMap((r) => r.body.value);
    const mine = notes.filter((n: { subscriptionId: string }) => n.subscriptionId === sub.id);
    expect(mine.map((n: { changeType: string }) => n.changeType)).toEqual(['created', 'updated', 'deleted']);
    expect(mine[0]).toMatchObject({
      clientState: 'secret-state',
      resourceData: { id: ev.id, '@odata.type': '#Microsoft.Graph.Event' },
    });
    expect(mine[0]!.resource).toMatch(new RegExp(`^Users/[0-9a-f-]+/Events/${ev.id.replace(/[=+]/g, '.')}$`));
  });

  it('reports a change to one occurrence as an update of the series master', async () => {
    const sub = (await subscribe()).json;
    const master = h.emu.userSide.createEvent(h.alice, {
      subject: 'S',
      start: '2026-03-02T10:00',
      end: '2026-03-02T10:30',
      recurrence: {
        pattern: { type: 'daily', interval: 1 },
        range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 3 },
      },
    });
    await h.emu.subscriptions.settle();
    rx.received.length = 0;
    h.emu.userSide.editOccurrence(h.alice, master.id, '2026-03-03', { subject: 'Changed once' });
    h.emu.userSide.cancelOccurrence(h.alice, master.id, '2026-03-04');
    await h.emu.subscriptions.settle();
    const mine = rx.received
      .flatMap((r) => r.body.value)
      .filter((n: { subscriptionId: string }) => n.subscriptionId === sub.id);
    expect(
      mine.map((n: { changeType: string; resourceData: { id: string } }) => [n.changeType, n.resourceData.id])
    ).toEqual([
      ['updated', master.id],
      ['updated', master.id],
    ]);
  });

  it('delivers again when the receiver answers 5xx', async () => {
    for (const id of h.emu.subscriptions.ids()) await h.call('DELETE', `/subscriptions/${id}`);
    const sub = (await subscribe()).json;
    rx.failNotifications = 1;
    const ev = h.emu.userSide.createEvent(h.alice, {
      subject: 'R',
      start: '2026-03-05T10:00',
      end: '2026-03-05T11:00',
    });
    await h.emu.subscriptions.settle();
    const attempts = h.emu.notifications
      .filter((n) => n.subscriptionId === sub.id && n.kind === 'change')
      .map((n) => n.status);
    expect(attempts).toEqual([503, 202]);
    expect(
      rx.received.flatMap((r) => r.body.value).map((n: { resourceData: { id: string } }) => n.resourceData.id)
    ).toContain(ev.id);
  });

  it('sends lifecycle events to the lifecycle URL', async () => {
    const sub = (await subscribe()).json;
    await h.emu.subscriptions.sendLifecycle(sub.id, 'reauthorizationRequired');
    expect(rx.received.at(-1)).toEqual({
      path: '/lifecycle',
      body: {
        value: [
          expect.objectContaining({
            subscriptionId: sub.id,
            lifecycleEvent: 'reauthorizationRequired',
            clientState: 'secret-state',
          }),
        ],
      },
    });
    await h.emu.subscriptions.sendLifecycle(sub.id, 'subscriptionRemoved');
    expect((await h.call('GET', `/subscriptions/${sub.id}`)).status).toBe(404);
  });

  it('renews with PATCH, refuses a new lifecycle URL, and deletes', async () => {
    const sub = (await subscribe()).json;
    const renewed = await h.call('PATCH', `/subscriptions/${sub.id}`, { expirationDateTime: inMinutes(600) });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.json.expirationDateTime)).toBeGreaterThan(Date.parse(sub.expirationDateTime));
    expect(
      (await h.call('PATCH', `/subscriptions/${sub.id}`, { lifecycleNotificationUrl: `${rx.url}/x` })).status
    ).toBe(400);
    expect((await h.call('POST', `/subscriptions/${sub.id}/reauthorize`, {})).status).toBe(204);
    expect((await h.call('DELETE', `/subscriptions/${sub.id}`)).status).toBe(204);
    expect((await h.call('DELETE', `/subscriptions/${sub.id}`)).status).toBe(404);
  });

  it('drops, duplicates and reorders notifications on request', async () => {
    const sub = (await subscribe()).json;
    const mineOf = () =>
      rx.received
        .filter((r) => r.path === '/notify')
        .flatMap((r) => r.body.value)
        .filter((n: { subscriptionId: string }) => n.subscriptionId === sub.id);
    h.emu.faults.dropNextNotifications(1, sub.id);
    h.emu.userSide.createEvent(h.alice, { subject: 'dropped', start: '2026-03-05T10:00', end: '2026-03-05T11:00' });
    await h.emu.subscriptions.settle();
    expect(mineOf()).toHaveLength(0);
    expect(h.emu.notifications.some((n) => n.subscriptionId === sub.id && n.dropped)).toBe(true);

    h.emu.faults.duplicateNextNotifications(1, sub.id);
    const dup = h.emu.userSide.createEvent(h.alice, {
      subject: 'twice',
      start: '2026-03-05T10:00',
      end: '2026-03-05T11:00',
    });
    await h.emu.subscriptions.settle();
    expect(mineOf().map((n: { resourceData: { id: string } }) => n.resourceData.id)).toEqual([dup.id, dup.id]);

    rx.received.length = 0;
    h.emu.faults.set({ notificationReorder: true, notificationReorderWindowMs: 50 });
    const a = h.emu.userSide.createEvent(h.alice, { subject: 'a', start: '2026-03-05T10:00', end: '2026-03-05T11:00' });
    const b = h.emu.userSide.createEvent(h.alice, { subject: 'b', start: '2026-03-05T10:00', end: '2026-03-05T11:00' });
    await h.emu.subscriptions.settle();
    expect(mineOf().map((n: { resourceData: { id: string } }) => n.resourceData.id)).toEqual([b.id, a.id]);
  });
});
