import { ApiKeyStore } from '../../src/store/api-keys';
import { UserStore } from '../../src/store/users';
import type { UserSyncStatus } from '../../src/workflows/user-sync/types';
import { send } from '../api/support/stack';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';
import { stopLeftovers } from './support/leftovers';

/**
 * The mass-deletion guard end to end (DESIGN.md §4.6): deleting more than the policy's share of a
 * user's items at once in Outlook puts the sync in needs-attention and deletes nothing elsewhere;
 * the admin's resume with confirmDeletes (through the API) then lets exactly those deletes through.
 */
/** A date `days` from today (UTC), as YYYY-MM-DD: inside every sync window. */
const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const titles = Array.from({ length: 8 }, (_, i) => `Guarded meeting ${i + 1}`);
const guardPolicy = { share: 0.25, minItems: 3 };

describe('mass-deletion guard', () => {
  let stack: SyncStack;
  let admin: Record<string, string>;
  beforeAll(async () => {
    stack = await startSyncStack({ webhooks: true });
    await new UserStore(stack.db.pool).update(stack.sandbox.userId, {
      policy: { netsuite: { massDelete: guardPolicy }, autotask: { massDelete: guardPolicy } },
    });
    const key = await new ApiKeyStore(stack.db.pool).create({ name: 'guard test admin', role: 'admin' });
    admin = { authorization: `Bearer ${key.secret}` };
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 });
  }, 60_000);
  afterAll(async () => {
    if (stack) await stopLeftovers(stack);
    await stack?.close();
  }, 60_000);

  const mailbox = () => stack.sandbox.info.mailbox;
  const status = () => stack.client.workflow.getHandle(stack.workflowId).query<UserSyncStatus>('status');
  const outlookTitles = () =>
    stack.sandbox.graph.userSide
      .listEvents(mailbox())
      .map((e) => e.subject)
      .sort();
  const netsuiteTitles = () =>
    stack.sandbox.netsuite
      .listEvents()
      .map((e) => e.title)
      .sort();
  const autotaskTitles = () =>
    (stack.sandbox.autotask.userSide.list('Appointments') as { title: string }[]).map((a) => a.title).sort();
  const auditActions = async (action: string) => {
    const { rows } = await stack.db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM audit WHERE tenant_id = $1 AND action = $2',
      [stack.sandbox.tenantId, action]
    );
    return Number(rows[0]?.n ?? 0);
  };

  it('holds a mass deletion for an admin, then applies exactly it once the admin confirms', async () => {
    const ids = titles.map(
      (subject, i) =>
        stack.sandbox.graph.userSide.createEvent(mailbox(), {
          subject,
          start: `${dateIn(i + 1)}T13:00:00`,
          end: `${dateIn(i + 1)}T14:00:00`,
          timeZone: 'UTC',
        }).id
    );
    const all = [...titles].sort();
    await eventually('every meeting in NetSuite and Autotask', () =>
      JSON.stringify(netsuiteTitles()) === JSON.stringify(all) &&
      JSON.stringify(autotaskTitles()) === JSON.stringify(all)
        ? true
        : undefined
    );

    // Half the calendar goes at once (in one delta round): more than the 25 % the policy allows.
    for (const id of ids.slice(0, 4)) stack.sandbox.graph.userSide.deleteEvent(mailbox(), id);
    const held = await eventually('the sync to need attention', async () => {
      const s = await status();
      return s.state === 'needs-attention' ? s : undefined;
    });
    expect(held.needsAttention).toContain('4 of 8 items would be deleted');
    expect(await auditActions('guard')).toBe(1);
    // Nothing was deleted on the other sides.
    expect(netsuiteTitles()).toEqual(all);
    expect(autotaskTitles()).toEqual(all);
    expect(await auditActions('delete')).toBe(0);
    // The user sync reports it through the API as well.
    const shown = await send(stack.apiUrl!, 'GET', `/v1/users/${stack.sandbox.userId}/sync`, { headers: admin });
    expect(shown.body.state).toBe('needs-attention');

    const resumed = await send(stack.apiUrl!, 'POST', `/v1/users/${stack.sandbox.userId}/sync/resume`, {
      headers: admin,
      json: { confirmDeletes: true },
    });
    expect(resumed.status).toBe(200);
    const kept = titles.slice(4).sort();
    await eventually('exactly the confirmed deletes applied', () =>
      JSON.stringify(netsuiteTitles()) === JSON.stringify(kept) &&
      JSON.stringify(autotaskTitles()) === JSON.stringify(kept)
        ? true
        : undefined
    );
    expect(outlookTitles()).toEqual(kept);
    // Four items, each deleted in NetSuite and in Autotask.
    // (audited once each item's link is saved, just after its writes)
    await eventually('8 audited deletes', async () => ((await auditActions('delete')) === 8 ? true : undefined));
    const after = await status();
    expect(after.state).toBe('running');
    expect(after.needsAttention).toBeUndefined();
    expect(after.counts.failed).toBe(0);
  }, 120_000);

  it('syncs normally again afterwards, and sync never emailed anyone', async () => {
    stack.sandbox.graph.userSide.createEvent(mailbox(), {
      subject: 'After the guard',
      start: `${dateIn(20)}T13:00:00`,
      end: `${dateIn(20)}T14:00:00`,
      timeZone: 'UTC',
    });
    const expected = [...titles.slice(4), 'After the guard'].sort();
    await eventually('the new meeting everywhere', () =>
      JSON.stringify(netsuiteTitles()) === JSON.stringify(expected) &&
      JSON.stringify(autotaskTitles()) === JSON.stringify(expected)
        ? true
        : undefined
    );
    expect(stack.sandbox.graph.sentMail).toEqual([]);
    expect(stack.sandbox.netsuite.sentEmails).toEqual([]);
  }, 60_000);
});
