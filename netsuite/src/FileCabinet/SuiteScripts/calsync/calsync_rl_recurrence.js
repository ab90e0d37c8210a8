/**
 * calsync recurrence RESTlet: reads and writes the calendar-event fields REST record v1 lacks
 * (frequency, period, seriesstartdate, endbydate, noenddate, recurrencedow, recurrencedowim,
 * recurrencedowmask, exclusiondatelist), so series made in Outlook stay series in NetSuite.
 *
 *   GET ?script=…&deploy=…&id=<event id>        → { id, recurrence | null, lastModified }
 *   PUT { id, recurrence | null, sendemail? }    → the same view after saving
 *
 * It never sends invitations (sendemail false). Errors come back as SuiteScript's
 * { error: { code, message } }.
 *
 * @NApiVersion 2.1
 * @NScriptType Restlet
 * @NModuleScope SameAccount
 */
define(['N/record', 'N/error', './calsync_recurrence_lib', './calsync_push_lib'], (record, error, lib, push) => {
  const load = (id) => record.load({ type: record.Type.CALENDAR_EVENT, id: Number(id), isDynamic: false });

  const view = (rec) => ({
    id: String(rec.id),
    recurrence: lib.readRecurrence((fieldId) => rec.getValue({ fieldId })),
    lastModified: push.isoSeconds(rec.getValue({ fieldId: 'lastmodifieddate' })),
  });

  const fail = (message) => {
    throw error.create({ name: 'INVALID_FLD_VALUE', message, notifyOff: true });
  };

  const get = (params) => {
    if (!/^\d+$/.test(String(params.id || ''))) fail('id must be an internal id');
    return view(load(params.id));
  };

  const put = (body) => {
    const problem = lib.validateWrite(body);
    if (problem) fail(problem);
    const rec = load(body.id);
    lib.writeRecurrence((fieldId, value) => rec.setValue({ fieldId, value }), body.recurrence);
    try {
      rec.setValue({ fieldId: 'sendemail', value: false });
    } catch (e) {
      // Some forms have no sendemail field; then nothing is sent anyway.
    }
    rec.save({ enableSourcing: false, ignoreMandatoryFields: false });
    return view(load(body.id));
  };

  return { get, put };
});
