import { parseCanonicalEvent, type CanonicalEventInput } from '../../../src/domain/canonical-event';
import {
  fromAppointment,
  fromServiceCall,
  fromToDo,
  itemRef,
  occurrenceRef,
  parseRef,
  planOutlookEvent,
  seriesToAppointments,
  stripMarker,
  toAppointment,
  toToDo,
  type AutotaskUser,
  type ServiceCallDetails,
} from '../../../src/providers/autotask';
import { appointmentSchema, companyToDoSchema, serviceCallSchema } from '../../../src/providers/autotask/models';

const berlin: AutotaskUser = { resourceID: 29683001, timeZone: 'Europe/Berlin' };
const ref = itemRef('item-1');

function outlook(input: Partial<CanonicalEventInput>) {
  return parseCanonicalEvent({
    kind: 'event',
    title: 'Budget review',
    description: 'Agenda: Q2 numbers',
    timing: {
      allDay: false,
      start: '2026-03-10T09:00:00.000Z',
      end: '2026-03-10T10:00:00.000Z',
      timeZone: 'Europe/Berlin',
    },
    ...input,
  });
}

describe('Outlook → Autotask Appointment', () => {
  it('maps subject to title and description to description, for the user’s resource', () => {
    const fields = toAppointment(outlook({}), berlin, ref);
    expect(fields).toEqual({
      resourceID: 29683001,
      title: 'Budget review',
      description: `Agenda: Q2 numbers\n\n[calsync:${ref}]`,
      startDateTime: '2026-03-10T09:00:00.000Z',
      endDateTime: '2026-03-10T10:00:00.000Z',
    });
    expect(stripMarker(fields.description ?? '').text).toBe('Agenda: Q2 numbers');
  });

  it('titles a private event "Appointment" and carries no description', () => {
    const fields = toAppointment(outlook({ visibility: 'private' }), berlin, ref);
    expect(fields.title).toBe('Appointment');
    // Only our marker remains: nothing of the user's text.
    expect(stripMarker(fields.description ?? '')).toEqual({ text: '', ref });
  });

  it('blocks the whole day in the user’s zone for an all-day event, across the spring DST change', () => {
    // 29 March 2026: Berlin moves from CET (+01) to CEST (+02); that day has 23 hours.
    const event = outlook({
      timing: { allDay: true, startDate: '2026-03-29', endDate: '2026-03-30', timeZone: 'Europe/Berlin' },
    });
    const fields = toAppointment(event, berlin, ref);
    expect(fields.startDateTime).toBe('2026-03-28T23:00:00.000Z');
    expect(fields.endDateTime).toBe('2026-03-29T22:00:00.000Z');
  });

  it('uses the user’s zone for an all-day event, not UTC, in the autumn too', () => {
    const ny: AutotaskUser = { resourceID: 1, timeZone: 'America/New_York' };
    const event = outlook({
      timing: { allDay: true, startDate: '2026-10-31', endDate: '2026-11-03', timeZone: 'America/New_York' },
    });
    const fields = toAppointment(event, ny, ref);
    // EDT (-04) before 1 November, EST (-05) after: three local days, 73 hours.
    expect(fields.startDateTime).toBe('2026-10-31T04:00:00.000Z');
    expect(fields.endDateTime).toBe('2026-11-03T05:00:00.000Z');
  });

  it('cuts a title to Autotask’s 256 characters', () => {
    expect(toAppointment(outlook({ title: 'x'.repeat(300) }), berlin, ref).title).toHaveLength(256);
  });
});

describe('Outlook → Autotask To-Do', () => {
  const policy = {
    selection: { kind: 'all' as const },
    toDo: { category: 'Autotask To-Do', defaultActionTypeID: 7 },
  };

  it('becomes a To-Do with its company and the default action type when categorised so', () => {
    const event = outlook({ categories: ['autotask to-do'], extras: { autotask: { companyId: 42 } } });
    const plan = planOutlookEvent(event, berlin, policy, ref);
    expect(plan).toEqual({
      kind: 'todo',
      fields: {
        companyID: 42,
        actionType: 7,
        assignedToResourceID: 29683001,
        contactID: undefined,
        activityDescription: 'Budget review\n\nAgenda: Q2 numbers',
        startDateTime: '2026-03-10T09:00:00.000Z',
        endDateTime: '2026-03-10T10:00:00.000Z',
      },
    });
  });

  it('keeps an action type the event names over the default', () => {
    const event = outlook({ categories: ['Autotask To-Do'], extras: { autotask: { companyId: 42, actionTypeId: 3 } } });
    const plan = planOutlookEvent(event, berlin, policy, ref);
    expect(plan.kind === 'todo' && plan.fields.actionType).toBe(3);
  });

  it('cannot become a To-Do without a company', () => {
    const plan = planOutlookEvent(outlook({ categories: ['Autotask To-Do'] }), berlin, policy, ref);
    expect(plan).toEqual({ kind: 'skip', reason: 'a To-Do needs a company and none is set' });
  });

  it('is private in a To-Do too', () => {
    const fields = toToDo(outlook({ visibility: 'private' }), berlin, { companyID: 1, actionTypeID: 2 });
    expect(fields.activityDescription).toBe('Appointment');
  });

  it('sends only categorised events when the policy says so, and appointments otherwise', () => {
    const selective = { selection: { kind: 'category' as const, category: 'Autotask' } };
    expect(planOutlookEvent(outlook({}), berlin, selective, ref)).toEqual({
      kind: 'skip',
      reason: 'not in category "Autotask"',
    });
    expect(planOutlookEvent(outlook({ categories: ['Autotask'] }), berlin, selective, ref).kind).toBe('appointment');
  });
});

describe('recurring Outlook series → one Appointment per occurrence', () => {
  const occurrence = (day: number) =>
    outlook({
      kind: 'occurrence',
      title: 'Stand-up',
      originalStart: `2026-03-${String(day).padStart(2, '0')}T08:00:00.000Z`,
      timing: {
        allDay: false,
        start: `2026-03-${String(day).padStart(2, '0')}T08:00:00.000Z`,
        end: `2026-03-${String(day).padStart(2, '0')}T08:15:00.000Z`,
        timeZone: 'Europe/Berlin',
      },
    });
  const series = [2, 3, 4, 5, 6, 9, 10].map(occurrence);

  it('creates one per occurrence inside the window, each with the series id and its original start', () => {
    const made = seriesToAppointments(
      'AAMkSeries',
      series,
      { start: '2026-03-02T00:00:00Z', end: '2026-03-07T00:00:00Z' },
      berlin
    );
    expect(made.map((m) => m.occurrenceId)).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-03-03T08:00:00.000Z',
      '2026-03-04T08:00:00.000Z',
      '2026-03-05T08:00:00.000Z',
      '2026-03-06T08:00:00.000Z',
    ]);
    const refs = made.map((m) => parseRef(m.ref));
    expect(new Set(refs.map((r) => (r?.kind === 'occurrence' ? r.seriesKey : '')))).toHaveProperty('size', 1);
    expect(refs[0]).toEqual({ kind: 'occurrence', seriesKey: expect.any(String), occurrenceId: '20260302T080000Z' });
    expect(made.every((m) => stripMarker(m.fields.description ?? '').ref === m.ref)).toBe(true);
  });

  it('adds the new occurrences as the window rolls, keeping the refs of the old ones', () => {
    const week1 = seriesToAppointments(
      'AAMkSeries',
      series,
      { start: '2026-03-02T00:00:00Z', end: '2026-03-07T00:00:00Z' },
      berlin
    );
    const week2 = seriesToAppointments(
      'AAMkSeries',
      series,
      { start: '2026-03-04T00:00:00Z', end: '2026-03-11T00:00:00Z' },
      berlin
    );
    const refs1 = new Set(week1.map((m) => m.ref));
    const fresh = week2.filter((m) => !refs1.has(m.ref)).map((m) => m.occurrenceId);
    expect(fresh).toEqual(['2026-03-09T08:00:00.000Z', '2026-03-10T08:00:00.000Z']);
    expect(week2.filter((m) => refs1.has(m.ref))).toHaveLength(3);
  });

  it('reads the series and occurrence back from an Autotask appointment', () => {
    const oRef = occurrenceRef('AAMkSeries', '2026-03-05T08:00:00.000Z');
    const appointment = appointmentSchema.parse({
      id: 9,
      resourceID: 1,
      title: 'Stand-up',
      description: `Daily\n\n[calsync:${oRef}]`,
      startDateTime: '2026-03-05T08:00:00Z',
      endDateTime: '2026-03-05T08:15:00Z',
    });
    const { event, ref: back } = fromAppointment(appointment, berlin);
    expect(event.kind).toBe('occurrence');
    expect(event.originalStart).toBe('2026-03-05T08:00:00.000Z');
    expect(event.description).toBe('Daily');
    expect(back).toEqual(parseRef(oRef));
  });
});

describe('Autotask → Outlook', () => {
  it('turns an Appointment’s title into the subject', () => {
    const appointment = appointmentSchema.parse({
      id: 1,
      resourceID: 1,
      title: 'Client visit',
      description: 'Bring the contract',
      startDateTime: '2026-03-10T13:00:00Z',
      endDateTime: '2026-03-10T14:30:00.5Z',
    });
    const { event } = fromAppointment(appointment, berlin);
    expect(event.title).toBe('Client visit');
    expect(event.description).toBe('Bring the contract');
    expect(event.timing).toEqual({
      allDay: false,
      start: '2026-03-10T13:00:00.000Z',
      end: '2026-03-10T14:30:00.500Z',
      timeZone: 'Europe/Berlin',
    });
  });

  it('reads a local-midnight-to-midnight appointment back as all-day in the user’s zone', () => {
    const appointment = appointmentSchema.parse({
      id: 1,
      resourceID: 1,
      title: 'Offsite',
      startDateTime: '2026-03-28T23:00:00Z',
      endDateTime: '2026-03-29T22:00:00Z',
    });
    expect(fromAppointment(appointment, berlin).event.timing).toEqual({
      allDay: true,
      startDate: '2026-03-29',
      endDate: '2026-03-30',
      timeZone: 'Europe/Berlin',
    });
  });

  it('adds the company/contact name and the action type to a To-Do’s subject', () => {
    const toDo = companyToDoSchema.parse({
      id: 3,
      actionType: 1,
      activityDescription: 'Call about renewal\nThey asked for a discount',
      assignedToResourceID: 5,
      companyID: 42,
      contactID: 8,
      startDateTime: '2026-03-11T14:00:00Z',
      endDateTime: '2026-03-11T14:30:00Z',
      lastModifiedDate: '2026-03-01T10:00:00.1234567Z',
    });
    const { event } = fromToDo(
      toDo,
      { companyName: 'Acme Corp', contactName: 'Jane Doe', actionTypeName: 'Phone Call' },
      berlin
    );
    expect(event.kind).toBe('todo');
    expect(event.title).toBe('Call about renewal – Acme Corp / Jane Doe – Phone Call');
    expect(event.description).toBe('They asked for a discount');
    expect(event.extras.autotask).toEqual({
      companyId: 42,
      companyName: 'Acme Corp',
      contactName: 'Jane Doe',
      actionTypeId: 1,
      actionTypeName: 'Phone Call',
    });
    const noContact = fromToDo(toDo, { companyName: 'Acme Corp', actionTypeName: 'Phone Call' }, berlin);
    expect(noContact.event.title).toBe('Call about renewal – Acme Corp – Phone Call');
  });

  it('shows a Service Call as "Service Call: <company>", with its description, tickets, tasks and the one-way note', () => {
    const details: ServiceCallDetails = {
      call: serviceCallSchema.parse({
        id: 2,
        description: 'Email just in, printer is down.',
        isComplete: 0,
        startDateTime: '2026-03-12T08:00:00Z',
        endDateTime: '2026-03-12T10:00:00Z',
        lastModifiedDateTime: null,
        companyID: 174,
        status: 2,
      }),
      company: {
        id: 174,
        companyName: 'Acme Corp',
        address1: '1 Main St',
        address2: '',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
      },
      work: [
        { kind: 'ticket', id: 1, number: 'T20260312.0001', title: 'Printer down', resourceIDs: [5] },
        { kind: 'task', id: 2, number: 'T20260312.0100', title: 'Replace toner', resourceIDs: [6] },
      ],
      resources: [{ id: 5, firstName: 'Dana', lastName: 'Reyes', email: 'dana@example.com' }],
    };
    const { event } = fromServiceCall(details, berlin);
    expect(event.kind).toBe('service-call');
    expect(event.title).toBe('Service Call: Acme Corp');
    expect(event.description).toBe(
      [
        'Service Call Description: Email just in, printer is down.',
        '',
        'Tickets:',
        '- T20260312.0001 Printer down',
        '',
        'Tasks:',
        '- T20260312.0100 Replace toner',
        '',
        'Changes made in Outlook are not returned to Autotask.',
      ].join('\n')
    );
    expect(event.location).toBe('1 Main St, Springfield, IL 62701');
    expect(event.attendees).toEqual([
      { email: 'dana@example.com', name: 'Dana Reyes', type: 'required', response: 'none' },
    ]);
    expect(event.extras.autotask?.tickets).toEqual([
      { number: 'T20260312.0001', title: 'Printer down' },
      { number: 'T20260312.0100', title: 'Replace toner' },
    ]);
  });
});
