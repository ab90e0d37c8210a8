import type { Migration } from '../migrate';

/**
 * The sync engine's item links (DESIGN.md §4): one row per item of a tenant, holding the domain
 * link (every replica: one Outlook copy per synced mailbox, one NetSuite event per meeting, one
 * Autotask record per resource, each with its record id and last projection), and an index from
 * each replica's record id back to its item. The per-user `links`/`link_sides` of the foundation
 * slice could not express one meeting shared by several users; they are replaced.
 */
export const items: Migration = {
  id: 4,
  name: 'items',
  up: `
CREATE TABLE items (
  tenant_id   text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  item_id     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('event', 'series', 'occurrence', 'todo', 'service-call')),
  -- Set for meetings: every mailbox's copy of one meeting maps to this one item.
  ical_uid    text,
  series_item_id text,
  occurrence_key text,
  -- The domain link (src/domain/link.ts), validated when read.
  link        jsonb NOT NULL,
  -- Optimistic concurrency: a save names the version it read.
  version     bigint NOT NULL DEFAULT 1,
  gone        boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, item_id)
);
CREATE UNIQUE INDEX items_meeting ON items (tenant_id, ical_uid) WHERE ical_uid IS NOT NULL AND kind IN ('event', 'series');
CREATE INDEX items_series ON items (tenant_id, series_item_id) WHERE series_item_id IS NOT NULL;

CREATE TABLE item_records (
  tenant_id  text NOT NULL,
  -- outlook:<userId> | netsuite | autotask:<userId>
  replica    text NOT NULL,
  record_id  text NOT NULL,
  item_id    text NOT NULL,
  -- The user whose replica it is (NULL for the tenant-wide NetSuite record).
  user_id    text,
  PRIMARY KEY (tenant_id, replica, record_id),
  FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, item_id) ON DELETE CASCADE
);
CREATE INDEX item_records_item ON item_records (tenant_id, item_id);
CREATE INDEX item_records_user ON item_records (user_id) WHERE user_id IS NOT NULL;
`,
};
