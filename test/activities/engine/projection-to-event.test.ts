import { parseCanonicalEvent } from '../../../src/domain/canonical-event';
import { project } from '../../../src/domain/projection';
import { applyFields, projectionToEvent } from '../../../src/activities/engine/projection-to-event';

const timing = {
  allDay: false as const,
  start: '2026-03-10T09:00:00.000Z',
  end: '2026-03-10T10:00:00.000Z',
  timeZone: 'UTC',
};

describe('projection → canonical event', () => {
  it('puts native access and status where the mappings look, and projects back to the same fields', () => {
    const netsuite = projectionToEvent(
      { side: 'netsuite', fields: { title: 'A', timing, access: 'PRIVATE', status: 'COMPLETE' } },
      'event'
    );
    expect(netsuite.visibility).toBe('private');
    expect(netsuite.extras.netsuite).toEqual({ accessLevel: 'PRIVATE', status: 'COMPLETE' });
    expect(project('netsuite', netsuite).fields).toMatchObject({ access: 'PRIVATE', status: 'COMPLETE' });

    const outlook = projectionToEvent(
      { side: 'outlook', fields: { title: 'B', timing, access: 'personal', status: 'active', reminderMinutes: 10 } },
      'event'
    );
    expect(outlook.extras.outlook).toEqual({ sensitivity: 'personal' });
    expect(project('outlook', outlook).fields).toMatchObject({
      access: 'personal',
      status: 'active',
      reminderMinutes: 10,
    });
  });

  it('overlays only the given fields and keeps responses of people still invited', () => {
    const base = parseCanonicalEvent({
      kind: 'event',
      title: 'Old',
      timing,
      reminderMinutes: 5,
      attendees: [{ email: 'a@x.test', response: 'accepted' }],
    });
    const next = applyFields('netsuite', base, {
      reminderMinutes: null,
      attendees: [
        { email: 'a@x.test', type: 'required' },
        { email: 'b@x.test', type: 'optional' },
      ],
      responses: { 'b@x.test': 'declined' },
    });
    expect(next.title).toBe('Old');
    expect(next.reminderMinutes).toBeUndefined();
    expect(next.attendees.map((a) => [a.email, a.response])).toEqual([
      ['a@x.test', 'accepted'],
      ['b@x.test', 'declined'],
    ]);
  });

  it('needs timing to create', () => {
    expect(() => projectionToEvent({ side: 'autotask', fields: { title: 'x' } }, 'event')).toThrow(/timing/);
  });
});
