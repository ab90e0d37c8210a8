import { type StoredRecurrence } from './model';

const UNIT = { none: 'time', day: 'day', week: 'week', month: 'month', year: 'year' } as const;

/** REST's read-only `recurrence` string: a human description, never machine-readable. [?] wording */
export function describeRecurrence(r: StoredRecurrence): string {
  const every = r.period === 1 ? `Every ${UNIT[r.frequency]}` : `Every ${r.period} ${UNIT[r.frequency]}s`;
  const days = r.recurrenceDowMaskList.length
    ? ` on ${r.recurrenceDowMaskList.join(', ')}`
    : r.recurrenceDow && r.recurrenceDowim
      ? ` on the ${r.recurrenceDowim} ${r.recurrenceDow}`
      : '';
  const end = r.noEndDate || !r.endByDate ? '' : ` until ${r.endByDate}`;
  return `${every}${days}${end}`;
}
