import { representableInNetSuite } from '../../../src/activities/engine/netsuite-native-series';
import { plannerPolicy } from '../../../src/activities/engine/tenant-context';
import { netSuiteFormOf } from '../../../src/domain/recurrence';
import type { SeriesSource } from '../../../src/domain/series-plan';
import type { Tenant } from '../../../src/store/tenants';
import { eventInput, policyOf, projectFor } from '../../domain/support/world';

const policy = policyOf({
  users: [{ userId: 'u1', email: 'ann@example.com', timeZone: 'America/New_York', netsuite: true, autotask: true }],
});

function series(rrule: string, timeZone: string, exdates: string[] = []): SeriesSource {
  return {
    replica: 'outlook:u1',
    master: projectFor(
      'outlook:u1',
      eventInput({
        kind: 'series',
        title: 'Stand-up',
        timing: { allDay: false, start: '2026-03-02T15:00:00.000Z', end: '2026-03-02T15:30:00.000Z', timeZone },
        recurrence: { rrule, timeZone, exdates },
      }),
      policy
    ),
  };
}

describe('representableInNetSuite', () => {
  it('takes a weekly rule repeating in the zone NetSuite repeats it in', () => {
    expect(
      representableInNetSuite(series('FREQ=WEEKLY;BYDAY=MO;COUNT=4', 'America/New_York'), 'America/New_York')
    ).toBe(true);
  });

  it('takes a series with cancelled occurrences (they become exclusion dates)', () => {
    const source = series('FREQ=WEEKLY;BYDAY=MO', 'America/New_York', ['2026-03-09T15:00:00.000Z']);
    expect(representableInNetSuite(source, 'America/New_York')).toBe(true);
  });

  it('refuses a series that repeats in another zone (daylight saving would move occurrences)', () => {
    expect(representableInNetSuite(series('FREQ=WEEKLY;BYDAY=MO', 'UTC'), 'America/New_York')).toBe(false);
  });

  it('refuses a rule NetSuite has no fields for', () => {
    expect(
      representableInNetSuite(series('FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1', 'America/New_York'), 'America/New_York')
    ).toBe(false);
  });
});

describe('plannerPolicy: native NetSuite series', () => {
  const tenant = (recurrenceRestletInstalled?: boolean): Tenant => ({
    id: 't1',
    name: 'T',
    sandbox: false,
    policy: {},
    connections: {
      netsuite: {
        accountId: '123',
        auth: 'tba',
        pushInstalled: false,
        concurrencyLimit: 5,
        ...(recurrenceRestletInstalled !== undefined ? { recurrenceRestletInstalled } : {}),
      } as Tenant['connections']['netsuite'] & object,
    },
  });
  const users = [
    {
      id: 'u1',
      mailbox: 'ann@example.com',
      time_zone: 'America/New_York',
      netsuite_employee_id: '7',
      autotask_resource_id: null,
      desired_state: 'running',
      policy: {},
    },
  ];

  it('follows the connection: on only where the recurrence RESTlet is installed', () => {
    expect(plannerPolicy(tenant(true), users, 'u1').netsuiteNativeRecurrence).toBe(true);
    expect(plannerPolicy(tenant(false), users, 'u1').netsuiteNativeRecurrence).toBe(false);
    expect(plannerPolicy(tenant(undefined), users, 'u1').netsuiteNativeRecurrence).toBe(false);
  });
});

describe('netSuiteFormOf: a series as NetSuite reads it back', () => {
  const timing = {
    allDay: false as const,
    start: '2026-11-30T15:00:00.000Z',
    end: '2026-11-30T15:45:00.000Z',
    timeZone: 'America/New_York',
  };

  it('turns a count into the last date (NetSuite has no count) and keeps cancelled dates', () => {
    const form = netSuiteFormOf(
      {
        rrule: 'FREQ=WEEKLY;COUNT=4;BYDAY=MO;WKST=SU',
        timeZone: 'America/New_York',
        exdates: ['2026-12-07T15:00:00.000Z'],
      },
      timing
    );
    expect(form?.rrule).toBe('FREQ=WEEKLY;UNTIL=20261222T045959Z;BYDAY=MO;WKST=SU');
    expect(form?.exdates.map((k) => new Date(k).toISOString())).toEqual(['2026-12-07T15:00:00.000Z']);
  });

  it('is stable: the NetSuite form of the NetSuite form is itself', () => {
    const once = netSuiteFormOf(
      { rrule: 'FREQ=WEEKLY;COUNT=4;BYDAY=MO', timeZone: 'America/New_York', exdates: [] },
      timing
    );
    const twice = netSuiteFormOf({ rrule: once!.rrule, timeZone: 'America/New_York', exdates: once!.exdates }, timing);
    expect(twice).toEqual(once);
  });

  it('gives nothing for a rule NetSuite cannot hold', () => {
    expect(
      netSuiteFormOf(
        { rrule: 'FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1', timeZone: 'America/New_York', exdates: [] },
        timing
      )
    ).toBeUndefined();
  });
});
