import { parseCanonicalEvent } from '../../src/domain/canonical-event';
import { normalizeFields, project, projectionSchema } from '../../src/domain/projection';
import { eventInput } from './support/world';

describe('native projections', () => {
  const meeting = parseCanonicalEvent(
    eventInput({
      organizer: { email: 'Ann@Example.com' },
      attendees: [
        { email: 'BOB@example.com', response: 'accepted' },
        { email: 'ann@example.com', response: 'organizer' },
        { email: 'carol@external.com' },
      ],
      categories: ['b', 'a', 'a'],
      reminderMinutes: 25,
      extras: { outlook: { sensitivity: 'confidential' }, netsuite: { accessLevel: 'PRIVATE' } },
    })
  );

  it('Outlook carries its owner’s response, its own sensitivity and sorted categories', () => {
    const p = project('outlook', meeting, { ownerEmail: 'bob@example.com' });
    expect(p.fields).toMatchObject({
      access: 'confidential',
      categories: ['a', 'b'],
      organizer: 'ann@example.com',
      responses: { 'bob@example.com': 'accepted' },
      attendees: [
        { email: 'bob@example.com', type: 'required' },
        { email: 'carol@external.com', type: 'required' },
      ],
    });
  });

  it('NetSuite carries synced attendees’ responses, its own access level and minute precision, but no reminders', () => {
    const timed = parseCanonicalEvent(
      eventInput({
        timing: {
          allDay: false,
          start: '2026-02-10T09:00:42.500Z',
          end: '2026-02-10T10:00:00Z',
          timeZone: 'Europe/Berlin',
        },
        reminderMinutes: 25,
        extras: { netsuite: { accessLevel: 'PRIVATE' } },
        attendees: [{ email: 'bob@example.com', response: 'tentative' }],
      })
    );
    const p = project('netsuite', timed, { syncedEmails: ['bob@example.com'] });
    expect(p.fields).toMatchObject({
      access: 'PRIVATE',
      responses: { 'bob@example.com': 'tentative' },
      timing: { start: '2026-02-10T09:00:00.000Z', end: '2026-02-10T10:00:00.000Z' },
    });
    expect(p.fields.categories).toBeUndefined();
    // The NetSuite mapping neither reads nor writes reminders: a stored one would never echo.
    expect(p.fields.reminderMinutes).toBeUndefined();
  });

  it('Autotask carries only title, description and instants; long titles are cut to its limit', () => {
    const p = project('autotask', parseCanonicalEvent(eventInput({ title: 'x'.repeat(300) })), {
      ownerZone: 'Europe/Berlin',
    });
    expect(Object.keys(p.fields).sort()).toEqual(['description', 'timing', 'title']);
    expect(p.fields.title).toHaveLength(256);
  });

  it('normalising twice changes nothing, and stored projections validate', () => {
    const p = project('outlook', meeting, { ownerEmail: 'bob@example.com' });
    expect(normalizeFields('outlook', p.fields, { ownerEmail: 'bob@example.com' })).toEqual(p.fields);
    expect(projectionSchema.parse(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });
});
