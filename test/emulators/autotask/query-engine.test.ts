import { ENTITIES } from '../../../src/emulators/autotask/entities';
import { EmulatedFailure } from '../../../src/emulators/autotask/fault';
import { matches, parseQuery, project } from '../../../src/emulators/autotask/query-engine';

const resources = ENTITIES.Resources;
const appointments = ENTITIES.Appointments;
const companies = ENTITIES.Companies;
const dana = { id: 10, firstName: 'Dana', lastName: 'Reyes', email: 'Dana@Example.com', email2: null, isActive: true };
const sam = { id: 11, firstName: 'Sam', lastName: 'Okafor', email: 'sam@example.org', email2: '', isActive: false };

function ids(filter: unknown[], records: Record<string, unknown>[] = [dana, sam], def = resources) {
  const query = parseQuery(def, { filter });
  return records.filter((r) => matches(r, query.filter)).map((r) => r.id);
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EmulatedFailure && err.status === 500) return JSON.stringify(err.body);
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('emulator query engine', () => {
  it.each([
    [{ op: 'eq', field: 'email', value: 'dana@example.com' }, [10]],
    [{ op: 'noteq', field: 'firstName', value: 'dana' }, [11]],
    [{ op: 'gt', field: 'id', value: 10 }, [11]],
    [{ op: 'gte', field: 'id', value: 10 }, [10, 11]],
    [{ op: 'lt', field: 'id', value: '11' }, [10]],
    [{ op: 'lte', field: 'id', value: 10 }, [10]],
    [{ op: 'beginsWith', field: 'lastName', value: 'RE' }, [10]],
    [{ op: 'endsWith', field: 'email', value: '.org' }, [11]],
    [{ op: 'contains', field: 'lastName', value: 'kaf' }, [11]],
    [{ op: 'exist', field: 'email2' }, []],
    [{ op: 'notExist', field: 'email2' }, [10, 11]],
    [{ op: 'in', field: 'id', value: [11, 99] }, [11]],
    [{ op: 'notIn', field: 'id', value: [11] }, [10]],
    [{ op: 'eq', field: 'isActive', value: false }, [11]],
  ])('%j matches %j', (condition, expected) => {
    expect(ids([condition])).toEqual(expected);
  });

  it('ANDs top-level conditions and nests or/and groups', () => {
    expect(
      ids([
        { op: 'gt', field: 'id', value: 0 },
        {
          op: 'or',
          items: [
            { op: 'eq', field: 'lastName', value: 'Nobody' },
            {
              op: 'and',
              items: [
                { op: 'eq', field: 'firstName', value: 'Sam' },
                { op: 'eq', field: 'isActive', value: false },
              ],
            },
          ],
        },
      ])
    ).toEqual([11]);
  });

  it('matches keys and field names without regard to case', () => {
    const query = parseQuery(resources, {
      FILTER: [{ OP: 'EQ', Field: 'EMAIL', VALUE: 'sam@example.org' }],
      maxrecords: 5,
    });
    expect(query.maxRecords).toBe(5);
    expect([dana, sam].filter((r) => matches(r, query.filter)).map((r) => r.id)).toEqual([11]);
  });

  it('compares date-times as instants, whatever their text form', () => {
    const records = [
      { id: 1, startDateTime: '2026-03-10T09:00:00.000Z' },
      { id: 2, startDateTime: '2026-03-10T11:00:00.000Z' },
    ];
    expect(ids([{ op: 'gte', field: 'startDateTime', value: '2026-03-10T10:00:00' }], records, appointments)).toEqual([
      2,
    ]);
    expect(
      ids([{ op: 'lt', field: 'startDateTime', value: '2026-03-10T10:00:00.0000000Z' }], records, appointments)
    ).toEqual([1]);
  });

  it('treats null as matching nothing but notExist', () => {
    const records = [{ id: 1, updateDateTime: null }];
    expect(
      ids([{ op: 'noteq', field: 'updateDateTime', value: '2026-01-01T00:00:00Z' }], records, appointments)
    ).toEqual([]);
    expect(ids([{ op: 'notExist', field: 'updateDateTime' }], records, appointments)).toEqual([1]);
  });

  it('filters on one user-defined field', () => {
    const records = [
      { id: 1, userDefinedFields: [{ name: 'Tier', value: 'Gold' }] },
      { id: 2, userDefinedFields: [] },
    ];
    expect(ids([{ op: 'eq', field: 'tier', value: 'gold', udf: true }], records, companies)).toEqual([1]);
    expect(
      refusal(() =>
        parseQuery(companies, {
          filter: [
            { op: 'eq', field: 'a', value: 'x', udf: true },
            { op: 'eq', field: 'b', value: 'y', udf: true },
          ],
        })
      )
    ).toMatch(/one user-defined field/);
  });

  it('refuses what Autotask refuses', () => {
    expect(refusal(() => parseQuery(resources, { filter: [] }))).toMatch(/filter is required/);
    expect(refusal(() => parseQuery(resources, { filter: [{ op: 'eq', field: 'colour', value: 1 }] }))).toMatch(
      /colour/
    );
    expect(refusal(() => parseQuery(resources, { filter: [{ op: 'like', field: 'id', value: 1 }] }))).toMatch(
      /operator/
    );
    expect(refusal(() => parseQuery(resources, { filter: [{ op: 'eq', field: 'isActive', value: 'true' }] }))).toMatch(
      /true or false/
    );
    expect(
      refusal(() => parseQuery(resources, { MaxRecords: 501, filter: [{ op: 'gt', field: 'id', value: 0 }] }))
    ).toMatch(/MaxRecords/);
    const many = Array.from({ length: 501 }, (_, i) => ({ op: 'eq', field: 'id', value: i }));
    expect(refusal(() => parseQuery(resources, { filter: [{ op: 'or', items: many }] }))).toMatch(/500 OR/);
    expect(
      refusal(() =>
        parseQuery(
          appointments,
          { filter: [{ op: 'gt', field: 'updateDateTime', value: '2026-01-01' }] },
          {
            unqueryable: ['updateDateTime'],
          }
        )
      )
    ).toMatch(/updateDateTime is not queryable/);
  });

  it('projects IncludeFields, named in any case', () => {
    const query = parseQuery(resources, { IncludeFields: ['EMAIL'], filter: [{ op: 'gt', field: 'id', value: 0 }] });
    expect(project(dana, query.includeFields)).toEqual({ email: 'Dana@Example.com' });
  });
});
