import { DateTime } from 'luxon';
import { z } from 'zod';
import { type SuiteQl } from './suiteql';

/**
 * Change detection without a push: SuiteQL for events modified since a watermark. SuiteQL renders
 * dates in the user's format and in a zone Oracle does not document, so the query compares through
 * TO_CHAR/TO_TIMESTAMP with a fixed format, and the watermark is SuiteQL's own string: whatever zone
 * it uses, we compare like with like. The window overlaps the last one (default 65 minutes, which
 * also covers a daylight-saving fall-back hour if SuiteQL's zone has one) and rows already reported
 * are dropped by (id, lastmodified).
 */
const STAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS';
const LUXON_STAMP = 'yyyy-LL-dd HH:mm:ss';

export interface ModifiedCursor {
  /** The newest lastmodifieddate seen, as SuiteQL renders it with STAMP_FORMAT. */
  watermark: string;
  /** "id@stamp" pairs already reported that are still inside the overlap. */
  seen: string[];
  /**
   * Pairs first reported at the watermark's second. NetSuite stamps to the second, so a second
   * edit in that same second would look identical: they are reported once more on the next poll.
   */
  recheck: string[];
}

export interface ModifiedEvent {
  id: string;
  /** SuiteQL's rendering of lastmodifieddate (a hint; the record's REST lastModifiedDate is the truth). */
  lastModified: string;
}

export interface ChangeDetectionOptions {
  overlapMinutes?: number;
}

/** A first cursor from a UTC instant, rendered in the zone SuiteQL is assumed to use (default UTC). */
export function initialModifiedCursor(sinceUtc: string, suiteQlTimeZone = 'UTC'): ModifiedCursor {
  const since = DateTime.fromISO(sinceUtc, { zone: 'utc' }).setZone(suiteQlTimeZone);
  if (!since.isValid) throw new Error(`invalid instant "${sinceUtc}" or zone "${suiteQlTimeZone}"`);
  return { watermark: since.toFormat(LUXON_STAMP), seen: [], recheck: [] };
}

const modifiedRow = z.object({
  id: z.string().regex(/^\d+$/),
  lm: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
});
const idRow = z.object({ id: z.string().regex(/^\d+$/) });

export function changeDetection(sql: SuiteQl, options: ChangeDetectionOptions = {}) {
  const overlap = options.overlapMinutes ?? 65;
  return {
    pollModifiedEvents: async (
      cursor: ModifiedCursor
    ): Promise<{ changes: ModifiedEvent[]; cursor: ModifiedCursor }> => {
      const from = shift(cursor.watermark, -overlap);
      const rows = await sql.query(
        'suiteql.modifiedEvents',
        `SELECT id, TO_CHAR(lastmodifieddate, '${STAMP_FORMAT}') AS lm FROM calendarevent ` +
          `WHERE lastmodifieddate >= TO_TIMESTAMP(?, '${STAMP_FORMAT}') ORDER BY lastmodifieddate, id`,
        [from],
        modifiedRow
      );
      const seen = new Set(cursor.seen);
      const recheck = new Set(cursor.recheck);
      const changes: ModifiedEvent[] = [];
      const firstTime = new Set<string>();
      let watermark = cursor.watermark;
      for (const row of rows) {
        const key = `${row.id}@${row.lm}`;
        if (!seen.has(key)) firstTime.add(key);
        if (!seen.has(key) || recheck.has(key)) changes.push({ id: row.id, lastModified: row.lm });
        seen.add(key);
        if (row.lm > watermark) watermark = row.lm;
      }
      const horizon = shift(watermark, -overlap);
      return {
        changes,
        cursor: {
          watermark,
          seen: [...seen].filter((key) => key.slice(key.indexOf('@') + 1) >= horizon),
          recheck: [...firstTime].filter((key) => key.endsWith(`@${watermark}`)),
        },
      };
    },

    /** Ids of events whose date falls in [fromDate, toDate) (YYYY-MM-DD), for the deletion scan. */
    listEventIdsInWindow: async (window: { fromDate: string; toDate: string }): Promise<Set<string>> => {
      const rows = await sql.query(
        'suiteql.eventIdsInWindow',
        `SELECT id FROM calendarevent WHERE startdate >= TO_DATE(?, 'YYYY-MM-DD') AND startdate < TO_DATE(?, 'YYYY-MM-DD') ORDER BY id`,
        [window.fromDate, window.toDate],
        idRow
      );
      return new Set(rows.map((row) => row.id));
    },
  };
}

/** Wall-clock arithmetic on SuiteQL's stamp, in no zone at all (it is compared as SuiteQL wrote it). */
function shift(stamp: string, minutes: number): string {
  const parsed = DateTime.fromFormat(stamp, LUXON_STAMP, { zone: 'utc' });
  if (!parsed.isValid) throw new Error(`invalid SuiteQL stamp "${stamp}"`);
  return parsed.plus({ minutes }).toFormat(LUXON_STAMP);
}
