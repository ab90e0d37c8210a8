import { netSuiteRecurrenceSchema } from '../../src/domain/recurrence';
import { restletReadSchema } from '../../src/providers/netsuite/restlet-contract';
import { loadSuiteScript } from './amd-loader';

type Fields = Record<string, unknown>;

function setUp(initial: Record<number, Fields>) {
  const store = new Map<number, Fields>(
    Object.entries(initial).map(([id, fields]) => [
      Number(id),
      { lastmodifieddate: new Date('2026-01-01T00:00:00Z'), ...fields },
    ])
  );
  const deps = {
    'N/record': {
      Type: { CALENDAR_EVENT: 'calendarevent' },
      load: ({ id }: { id: number }) => {
        const saved = store.get(id);
        if (!saved) throw Object.assign(new Error('That record does not exist.'), { name: 'RCRD_DSNT_EXIST' });
        const draft: Fields = { ...saved };
        return {
          id,
          getValue: ({ fieldId }: { fieldId: string }) => draft[fieldId],
          setValue: ({ fieldId, value }: { fieldId: string; value: unknown }) => void (draft[fieldId] = value),
          save: () => {
            store.set(id, { ...draft, lastmodifieddate: new Date('2026-01-02T03:04:05Z') });
            return id;
          },
        };
      },
    },
    'N/error': {
      create: ({ name, message }: { name: string; message: string }) => Object.assign(new Error(message), { name }),
    },
  };
  const restlet = loadSuiteScript<{ get(params: Record<string, string>): unknown; put(body: unknown): unknown }>(
    'calsync_rl_recurrence.js',
    deps
  );
  return { restlet, store };
}

const biweekly = {
  frequency: 'week',
  period: 2,
  recurrenceDowMaskList: ['monday', 'wednesday'],
  seriesStartDate: '2026-03-02',
  endByDate: '2026-06-30',
  noEndDate: false,
  exclusionDateList: ['2026-03-16'],
};

describe('the shipped recurrence RESTlet (calsync_rl_recurrence.js)', () => {
  it('writes the record fields and reads back exactly what calsync sent, in the contract shape', () => {
    const { restlet, store } = setUp({ 7: { frequency: 'NONE' } });
    const answer = restlet.put({ id: '7', recurrence: biweekly, sendemail: false });
    expect(restletReadSchema.parse(answer)).toEqual({
      id: '7',
      recurrence: netSuiteRecurrenceSchema.parse(biweekly),
      lastModified: '2026-01-02T03:04:05Z',
    });
    const fields = store.get(7)!;
    expect(fields).toMatchObject({
      frequency: 'WEEK',
      period: 2,
      recurrencedowmask: 'FTFTFFF',
      noenddate: false,
      sendemail: false,
    });
    expect(fields['seriesstartdate']).toBeInstanceOf(Date);
    expect(restlet.get({ id: '7' })).toEqual(answer);
  });

  it('reads the SOAP spellings too (_month, _thursday, _first, day names in a list)', () => {
    const { restlet } = setUp({
      8: {
        frequency: '_month',
        period: '1',
        recurrencedow: '_thursday',
        recurrencedowim: '_first',
        seriesstartdate: '2026-02-05',
        noenddate: 'T',
        exclusiondatelist: ['2026-04-02'],
      },
    });
    expect(restletReadSchema.parse(restlet.get({ id: '8' })).recurrence).toEqual({
      frequency: 'month',
      period: 1,
      recurrenceDowMaskList: [],
      recurrenceDow: 'thursday',
      recurrenceDowim: 'first',
      seriesStartDate: '2026-02-05',
      noEndDate: true,
      exclusionDateList: ['2026-04-02'],
    });
  });

  it('answers null for a single event and clears a series with recurrence: null', () => {
    const { restlet, store } = setUp({
      9: { frequency: 'WEEK', period: 1, recurrencedowmask: 'FFFFFTF', seriesstartdate: '2026-01-02' },
    });
    restlet.put({ id: '9', recurrence: null });
    expect(store.get(9)!['frequency']).toBe('NONE');
    expect(restletReadSchema.parse(restlet.get({ id: '9' })).recurrence).toBeNull();
  });

  it('refuses bodies outside the contract, and sendemail: true above all', () => {
    const { restlet } = setUp({ 10: {} });
    expect(() => restlet.put({ id: '10', recurrence: biweekly, sendemail: true })).toThrow(/sendemail/);
    expect(() => restlet.put({ id: '10', recurrence: { ...biweekly, frequency: 'fortnightly' } })).toThrow(/frequency/);
    expect(() => restlet.put({ id: 'abc', recurrence: null })).toThrow(/id/);
    expect(() => restlet.get({ id: '' })).toThrow(/id/);
  });
});
