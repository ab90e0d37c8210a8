import type { Migration } from '../migrate';

/**
 * The sync state (DESIGN.md §3): who syncs (tenants, users), what is linked across systems
 * (links, link_sides: per side the native id, version and last native projection, which is the base
 * for change detection and echo suppression), where each reader left off (cursors), and what
 * happened (audit). Ids are opaque text so they can be shown to operators and put in search
 * attributes without exposing personal data.
 */
export const initial: Migration = {
  id: 1,
  name: 'initial',
  up: `
CREATE TABLE tenants (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  -- Non-secret connection settings per connector (base URLs, account/tenant/client ids, cloud).
  connections   jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Credentials, sealed with AES-256-GCM; key_id names the key so keys can rotate.
  secrets       bytea,
  secrets_key_id text,
  -- Organisation policy per connector (direction, selection, window, conflict, mass-delete guard).
  policy        jsonb NOT NULL DEFAULT '{}'::jsonb,
  sandbox       boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id                   text PRIMARY KEY,
  tenant_id            text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  mailbox              text NOT NULL,
  graph_user_id        text,
  netsuite_employee_id text,
  autotask_resource_id bigint,
  time_zone            text NOT NULL DEFAULT 'UTC',
  -- Per-user overrides of the tenant policy.
  policy               jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- What the admin asked for; the running state is the workflow's.
  desired_state        text NOT NULL DEFAULT 'stopped' CHECK (desired_state IN ('running', 'paused', 'stopped')),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, mailbox)
);
CREATE UNIQUE INDEX users_tenant_netsuite ON users (tenant_id, netsuite_employee_id) WHERE netsuite_employee_id IS NOT NULL;
CREATE UNIQUE INDEX users_tenant_autotask ON users (tenant_id, autotask_resource_id) WHERE autotask_resource_id IS NOT NULL;

-- One logical item of one user (an event, a series, one occurrence, a to-do, a service call).
CREATE TABLE links (
  id               text PRIMARY KEY,
  tenant_id        text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id          text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('event', 'series', 'occurrence', 'todo', 'service-call')),
  -- The side that masters the item (system of record), e.g. autotask for service calls.
  owner            text NOT NULL CHECK (owner IN ('outlook', 'netsuite', 'autotask')),
  ical_uid         text,
  series_link_id   text REFERENCES links(id) ON DELETE CASCADE,
  -- For occurrences: the original start within the series (the exception key).
  original_start   text,
  state            text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'deleted', 'out-of-window', 'failed')),
  -- Optimistic concurrency for the one writer per item.
  version          bigint NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX links_user ON links (user_id, state);
CREATE INDEX links_tenant_ical ON links (tenant_id, ical_uid) WHERE ical_uid IS NOT NULL;
CREATE UNIQUE INDEX links_occurrence ON links (series_link_id, original_start) WHERE series_link_id IS NOT NULL;

-- The item as seen on one side.
CREATE TABLE link_sides (
  link_id        text NOT NULL REFERENCES links(id) ON DELETE CASCADE,
  side           text NOT NULL CHECK (side IN ('outlook', 'netsuite', 'autotask')),
  tenant_id      text NOT NULL,
  user_id        text NOT NULL,
  -- NULL while a create is in flight: the intent is recorded before the provider call.
  native_id      text,
  -- Idempotency key sent with the create (transactionId / externalId / marker).
  intent_key     text NOT NULL,
  -- Graph changeKey, NetSuite lastModifiedDate, Autotask updateDateTime.
  native_version text,
  -- The last native projection we saw or wrote: the base of the three-way merge.
  base           jsonb,
  synced_at      timestamptz,
  PRIMARY KEY (link_id, side)
);
CREATE UNIQUE INDEX link_sides_native ON link_sides (user_id, side, native_id) WHERE native_id IS NOT NULL;
CREATE UNIQUE INDEX link_sides_intent ON link_sides (side, intent_key);

-- Where each change reader left off: per user (Graph delta link) or per tenant (pollers).
CREATE TABLE cursors (
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  -- A user id, or 'tenant' for tenant-wide pollers.
  scope        text NOT NULL,
  source       text NOT NULL,
  value        text NOT NULL,
  window_start timestamptz,
  window_end   timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, scope, source)
);

CREATE TABLE audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  tenant_id   text NOT NULL,
  user_id     text,
  link_id     text,
  -- create | update | delete | conflict | rsvp | skip | error | guard | lifecycle
  action      text NOT NULL,
  source_side text,
  target_side text,
  fields      text[] NOT NULL DEFAULT '{}',
  reason      text NOT NULL DEFAULT '',
  -- Ids and metadata only: event contents never go into the audit log.
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
  workflow_id text
);
CREATE INDEX audit_user_at ON audit (user_id, at DESC);
CREATE INDEX audit_link ON audit (link_id, at DESC) WHERE link_id IS NOT NULL;
`,
};
