import type { Migration } from '../migrate';

/**
 * A short lease on an item, taken before writing a record that several users' workflows share (one
 * NetSuite event per meeting). NetSuite has no conditional update, and a PATCH of the attendee list
 * replaces it whole, so two writers that read the event before either wrote would each put back
 * what the other changed. The version check of a save comes after the writes, too late for that:
 * the lease serialises the writes themselves (DESIGN.md §4.5, ADR 0013). It expires, so a crashed
 * holder delays the others for at most its term.
 */
export const itemLeases: Migration = {
  id: 7,
  name: 'item_leases',
  up: `
ALTER TABLE items ADD COLUMN IF NOT EXISTS lease_holder text;
ALTER TABLE items ADD COLUMN IF NOT EXISTS lease_until timestamptz;
`,
};
