import { z } from 'zod';
import { netSuiteRecurrenceSchema } from '../../domain/recurrence';

/**
 * The wire contract of the shipped recurrence RESTlet (netsuite/…/calsync_rl_recurrence.js): it
 * reads and writes the recurrence fields REST record v1 lacks. The JSON is the domain's
 * NetSuiteRecurrence (frequency, period, recurrenceDowMaskList, recurrenceDow, recurrenceDowim,
 * seriesStartDate, endByDate, noEndDate, exclusionDateList) with lowercase values; the script
 * translates to and from the record's own field values, so this side stays stable.
 */
export const RESTLET_SCRIPT_ID = 'customscript_calsync_recurrence';
export const RESTLET_DEPLOY_ID = 'customdeploy_calsync_recurrence';

export { netSuiteRecurrenceSchema };
export type { NetSuiteRecurrence } from '../../domain/recurrence';

/** GET ?id= and the answer to PUT. `recurrence: null` = a single event. */
export const restletReadSchema = z.object({
  id: z.string(),
  recurrence: netSuiteRecurrenceSchema.nullable(),
  lastModified: z.string().optional(),
});

/** PUT body; `recurrence: null` makes the event a single one. `sendemail` is always false. */
export const restletWriteSchema = z.object({
  id: z.string(),
  recurrence: netSuiteRecurrenceSchema.nullable(),
  sendemail: z.boolean().optional(),
});
export type RestletWrite = z.input<typeof restletWriteSchema>;

/** RESTlet failures are not o:errorDetails but SuiteScript's {error: {code, message}}. */
export const restletErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });
