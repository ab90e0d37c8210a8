import { parseNotifications, validationReply } from '../../../src/providers/graph/notifications';

/** Webhook payloads as Graph documents them (own fixtures written from providers/graph.md §3). */
describe('Graph notification parsing', () => {
  const secrets: Record<string, string> = { 'sub-1': 'state-1' };
  const expected = (id: string) => secrets[id];

  it('reads the item id from resourceData and the user from either resource spelling', () => {
    const parsed = parseNotifications(
      {
        value: [
          {
            subscriptionId: 'sub-1',
            subscriptionExpirationDateTime: '2026-03-01T00:00:00Z',
            changeType: 'updated',
            resource: 'Users/6a1c0b5e-0000-4000-8000-000000000001/Events/AAMk-1=',
            resourceData: { '@odata.type': '#Microsoft.Graph.Event', id: 'AAMk-1=' },
            clientState: 'state-1',
            tenantId: 't',
          },
          {
            subscriptionId: 'sub-1',
            changeType: 'created',
            resource: "users('alice@contoso.test')/events('AAMk-2')",
            clientState: 'forged',
          },
        ],
      },
      expected
    );
    expect(parsed.changes).toEqual([
      {
        subscriptionId: 'sub-1',
        changeType: 'updated',
        user: '6a1c0b5e-0000-4000-8000-000000000001',
        eventId: 'AAMk-1=',
        clientStateOk: true,
      },
      {
        subscriptionId: 'sub-1',
        changeType: 'created',
        user: 'alice@contoso.test',
        eventId: 'AAMk-2',
        clientStateOk: false,
      },
    ]);
  });

  it('recognises lifecycle events', () => {
    const parsed = parseNotifications(
      {
        value: [
          {
            subscriptionId: 'sub-1',
            subscriptionExpirationDateTime: '2026-03-01T00:00:00Z',
            tenantId: 't',
            clientState: 'state-1',
            lifecycleEvent: 'missed',
          },
        ],
      },
      expected
    );
    expect(parsed.lifecycle).toEqual([{ subscriptionId: 'sub-1', lifecycleEvent: 'missed', clientStateOk: true }]);
    expect(parsed.changes).toEqual([]);
  });

  it('rejects bodies that are not a notification collection', () => {
    expect(() => parseNotifications({ nope: true }, expected)).toThrow();
  });

  it('returns the validation token to echo', () => {
    expect(validationReply({ validationToken: 'Validation: abc' })).toBe('Validation: abc');
    expect(validationReply({})).toBeUndefined();
  });
});
