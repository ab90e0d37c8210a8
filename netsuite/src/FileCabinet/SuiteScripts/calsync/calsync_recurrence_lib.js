/**
 * Pure helpers of the recurrence RESTlet: record fields ↔ the JSON calsync speaks (its
 * NetSuiteRecurrence: frequency none|day|week|month|year, period, recurrenceDowMaskList [days],
 * recurrenceDow, recurrenceDowim first..last, seriesStartDate, endByDate, noEndDate,
 * exclusionDateList, dates as YYYY-MM-DD, names lowercase).
 *
 * Oracle documents the SOAP names and values (_week, _monday, _first) but not every SuiteScript
 * spelling. Reading accepts all spellings seen; writing uses WRITE below. FIELD and WRITE are the
 * one place to adjust if an account answers otherwise (see netsuite/README.md, "Open points").
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
define([], () => {
  const FIELD = {
    frequency: 'frequency',
    period: 'period',
    seriesStartDate: 'seriesstartdate',
    endByDate: 'endbydate',
    noEndDate: 'noenddate',
    dowMask: 'recurrencedowmask',
    dow: 'recurrencedow',
    dowim: 'recurrencedowim',
    exclusions: 'exclusiondatelist',
  };
  const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const DOWIM = ['first', 'second', 'third', 'fourth', 'last'];
  const FREQUENCIES = ['none', 'day', 'week', 'month', 'year'];
  /** How values are written: uppercase ids without SOAP's underscore; the weekday mask as 7 T/F flags from Sunday. */
  const WRITE = {
    frequency: (f) => f.toUpperCase(),
    day: (d) => d.toUpperCase(),
    dowim: (n) => n.toUpperCase(),
    mask: (days) => DAYS.map((d) => (days.includes(d) ? 'T' : 'F')).join(''),
  };

  const norm = (value) =>
    value === null || value === undefined ? '' : String(value).trim().replace(/^_/, '').toLowerCase();
  const pad = (n) => String(n).padStart(2, '0');

  /** A DATE field's value (a Date at local midnight, or text) as YYYY-MM-DD. */
  const isoDate = (value) => {
    if (value instanceof Date && !isNaN(value.getTime()))
      return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    return undefined;
  };
  /** YYYY-MM-DD as the Date SuiteScript expects for a DATE field (local midnight). */
  const dateOf = (iso) => {
    const [y, m, d] = iso.split('-').map(Number);
    return new Date(y, m - 1, d);
  };

  const dayOf = (value) => {
    const n = norm(value);
    if (/^[1-7]$/.test(n)) return DAYS[Number(n) - 1];
    return DAYS.find((d) => d === n || d.slice(0, 2) === n || d.slice(0, 3) === n);
  };
  const dowimOf = (value) => {
    const n = norm(value);
    if (n === '-1' || n === '5') return 'last';
    if (/^[1-4]$/.test(n)) return DOWIM[Number(n) - 1];
    return DOWIM.find((d) => d === n);
  };
  const maskDays = (value) => {
    if (Array.isArray(value)) return value.map(dayOf).filter(Boolean);
    const text = String(value || '');
    if (/^[TF]{7}$/i.test(text)) return DAYS.filter((_, i) => text[i].toUpperCase() === 'T');
    return text
      .split(/[\s,]+/)
      .map(dayOf)
      .filter(Boolean);
  };
  const truthy = (value) => value === true || value === 'T' || value === 'true';

  /** Reads the recurrence through `get(fieldId)`; null for a single event. */
  const readRecurrence = (get) => {
    const frequency = norm(get(FIELD.frequency));
    if (!FREQUENCIES.includes(frequency) || frequency === 'none') return null;
    const out = {
      frequency,
      period: Number(get(FIELD.period)) || 1,
      recurrenceDowMaskList: frequency === 'week' ? DAYS.filter((d) => maskDays(get(FIELD.dowMask)).includes(d)) : [],
      seriesStartDate: isoDate(get(FIELD.seriesStartDate)),
      noEndDate: truthy(get(FIELD.noEndDate)),
      exclusionDateList: []
        .concat(get(FIELD.exclusions) || [])
        .map(isoDate)
        .filter(Boolean)
        .sort(),
    };
    const endByDate = isoDate(get(FIELD.endByDate));
    if (endByDate && !out.noEndDate) out.endByDate = endByDate;
    const dow = dayOf(get(FIELD.dow));
    const dowim = dowimOf(get(FIELD.dowim));
    if ((frequency === 'month' || frequency === 'year') && dow && dowim) {
      out.recurrenceDow = dow;
      out.recurrenceDowim = dowim;
    }
    return out;
  };

  /** Writes through `set(fieldId, value)`; null turns the event into a single one. */
  const writeRecurrence = (set, r) => {
    if (!r || r.frequency === 'none') {
      set(FIELD.frequency, WRITE.frequency('none'));
      return;
    }
    set(FIELD.frequency, WRITE.frequency(r.frequency));
    set(FIELD.period, r.period || 1);
    set(FIELD.seriesStartDate, dateOf(r.seriesStartDate));
    set(FIELD.noEndDate, Boolean(r.noEndDate));
    set(FIELD.endByDate, r.endByDate && !r.noEndDate ? dateOf(r.endByDate) : null);
    if (r.frequency === 'week') set(FIELD.dowMask, WRITE.mask(r.recurrenceDowMaskList || []));
    const relative = (r.frequency === 'month' || r.frequency === 'year') && r.recurrenceDow && r.recurrenceDowim;
    set(FIELD.dow, relative ? WRITE.day(r.recurrenceDow) : null);
    set(FIELD.dowim, relative ? WRITE.dowim(r.recurrenceDowim) : null);
    set(FIELD.exclusions, (r.exclusionDateList || []).map(dateOf));
  };

  const ISO = /^\d{4}-\d{2}-\d{2}$/;
  /** Why a PUT body does not follow the contract, or null. */
  const validateWrite = (body) => {
    if (!body || typeof body !== 'object') return 'body must be a JSON object';
    if (!/^\d+$/.test(String(body.id || ''))) return 'id must be an internal id';
    if (body.sendemail === true) return 'sendemail must be false: calsync never emails attendees';
    const r = body.recurrence;
    if (r === null) return null;
    if (!r || typeof r !== 'object') return 'recurrence must be an object or null';
    if (!FREQUENCIES.includes(r.frequency)) return `frequency must be one of ${FREQUENCIES.join(', ')}`;
    if (r.frequency === 'none') return null;
    if (!Number.isInteger(r.period) || r.period < 1) return 'period must be a positive integer';
    if (!ISO.test(r.seriesStartDate || '')) return 'seriesStartDate must be YYYY-MM-DD';
    if (r.endByDate !== undefined && r.endByDate !== null && !ISO.test(r.endByDate))
      return 'endByDate must be YYYY-MM-DD';
    if ((r.recurrenceDowMaskList || []).some((d) => !DAYS.includes(d)))
      return 'recurrenceDowMaskList holds an unknown day';
    if (r.recurrenceDow !== undefined && !DAYS.includes(r.recurrenceDow)) return 'recurrenceDow is not a day';
    if (r.recurrenceDowim !== undefined && !DOWIM.includes(r.recurrenceDowim))
      return 'recurrenceDowim is not first..last';
    if ((r.exclusionDateList || []).some((d) => !ISO.test(d))) return 'exclusionDateList must hold YYYY-MM-DD dates';
    return null;
  };

  return { FIELD, readRecurrence, writeRecurrence, validateWrite, isoDate, dateOf };
});
