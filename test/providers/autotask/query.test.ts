import { ALL_ROWS, chunk, QueryRequestError, toQueryBody, where } from '../../../src/providers/autotask/query';

describe('Autotask query bodies', () => {
  it('renders the documented PascalCase body, defaulting MaxRecords to 500', () => {
    expect(toQueryBody({ filter: [ALL_ROWS] })).toEqual({
      MaxRecords: 500,
      IncludeFields: [],
      Filter: [{ op: 'gt', field: 'id', value: 0 }],
    });
  });

  it('nests and/or groups and keeps list values for in/notIn', () => {
    const body = toQueryBody({
      filter: [
        where.eq('isActive', true),
        where.or(where.in('id', [1, 2]), where.and(where.exist('email'), where.notIn('id', [3]))),
      ],
    });
    expect(body.Filter[1]).toEqual({
      op: 'or',
      items: [
        { op: 'in', field: 'id', value: [1, 2] },
        {
          op: 'and',
          items: [
            { op: 'exist', field: 'email' },
            { op: 'notIn', field: 'id', value: [3] },
          ],
        },
      ],
    });
  });

  it('adds id to IncludeFields, which Autotask needs to page a restricted result', () => {
    expect(toQueryBody({ filter: [ALL_ROWS], includeFields: ['title'] }).IncludeFields).toEqual(['id', 'title']);
    expect(toQueryBody({ filter: [ALL_ROWS], includeFields: ['ID', 'title'] }).IncludeFields).toEqual(['ID', 'title']);
  });

  it.each([0, 501, 2.5])('refuses MaxRecords %p', (maxRecords) => {
    expect(() => toQueryBody({ filter: [ALL_ROWS], maxRecords })).toThrow(QueryRequestError);
  });

  it('refuses an empty filter, an empty group and a comparison without a value', () => {
    expect(() => toQueryBody({ filter: [] })).toThrow(/requires a filter/);
    expect(() => toQueryBody({ filter: [where.or()] })).toThrow(/at least one item/);
    expect(() => toQueryBody({ filter: [{ op: 'eq', field: 'id' }] })).toThrow(/needs a value/);
    expect(() => toQueryBody({ filter: [{ op: 'in', field: 'id', value: 3 }] })).toThrow(/array/);
  });

  it('chunks long id lists', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk(Array.from({ length: 450 }, (_, i) => i)).map((c) => c.length)).toEqual([200, 200, 50]);
  });
});
