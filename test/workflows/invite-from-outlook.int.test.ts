import { daysAhead } from '../support/days-ahead';
import { eventually } from '../support/eventually';
import { type SyncStack, startSyncStack } from '../support/sync-stack';

/**
 * The organisation's "invite from Outlook" policy (DESIGN.md §4.11). Off (the default, and every
 * other test file): events sync creates in Outlook carry no attendees and nobody gets mail. On:
 * a NetSuite meeting reaches Outlook with its attendees, and Exchange invites them from the
 * owner's mailbox, which is what the admin asked for.
 */
describe('invite from Outlook', () => {
  let stack: SyncStack;
  beforeAll(async () => {
    stack = await startSyncStack();
    await stack.startWorker();
    await stack.startUserSync({ pollIntervalMs: 500, tenantPollIntervalMs: 500 });
  }, 60_000);
  afterAll(async () => stack?.close(), 60_000);

  const inOutlook = (subject: string) =>
    stack.sandbox.graph.userSide.listEvents(stack.sandbox.info.mailbox).find((e) => e.subject === subject);
  const setPolicy = (inviteFromOutlook: boolean) =>
    stack.db.pool.query('UPDATE tenants SET policy = $1 WHERE id = $2', [
      { outlook: { inviteFromOutlook } },
      stack.sandbox.tenantId,
    ]);
  const meeting = (title: string, day: string, contactEmail: string) => {
    const contact = stack.sandbox.netsuite.addContact({ name: `Guest ${day}`, email: contactEmail });
    return stack.sandbox.netsuite.userSide.createEvent(stack.sandbox.info.netsuite.employeeId, {
      title,
      date: day,
      startTime: '10:00',
      endTime: '11:00',
      timezone: 'UTC',
      attendees: [{ entityId: contact.id }],
    });
  };
  const mailAbout = (subject: string) => stack.sandbox.graph.sentMail.filter((m) => m.subject === subject);

  it('off: the NetSuite meeting reaches Outlook without attendees, and nobody is emailed', async () => {
    await setPolicy(false);
    meeting('No invitations', daysAhead(7), 'guest.off@fabrikam.example');
    const copy = await eventually('the event in Outlook', () => inOutlook('No invitations'));
    expect(copy.attendees ?? []).toEqual([]);
    expect(mailAbout('No invitations')).toEqual([]);
  }, 60_000);

  it('on: the NetSuite meeting reaches Outlook with its attendee, who is invited from the owner’s mailbox', async () => {
    await setPolicy(true);
    meeting('With invitations', daysAhead(8), 'guest.on@fabrikam.example');
    const copy = await eventually('the event in Outlook', () => inOutlook('With invitations'));
    expect((copy.attendees ?? []).map((a) => a.emailAddress.address.toLowerCase())).toContain(
      'guest.on@fabrikam.example'
    );
    expect(mailAbout('With invitations')).toEqual([
      expect.objectContaining({
        kind: 'invitation',
        actor: 'app',
        from: stack.sandbox.info.mailbox,
        to: expect.arrayContaining(['guest.on@fabrikam.example']),
      }),
    ]);
  }, 60_000);
});
