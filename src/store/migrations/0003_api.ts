import type { Migration } from '../migrate';

/**
 * What the admin API and the webhook ingress keep: API keys (only their SHA-256), the Graph
 * subscriptions whose notifications we accept (clientState only as a SHA-256), NetSuite push
 * signatures seen inside the replay window, and pending Microsoft admin-consent requests.
 */
export const api: Migration = {
  id: 3,
  name: 'api',
  up: `
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'operator')),
  -- May this key use the codec endpoint (read decrypted payloads)? Admins always may.
  can_decode   boolean NOT NULL DEFAULT false,
  -- SHA-256 of the whole key; the key itself is shown once and never stored.
  key_hash     bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE graph_subscriptions (
  id                text PRIMARY KEY,
  tenant_id         text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id           text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- SHA-256 of the clientState we gave Graph; compared in constant time.
  client_state_hash bytea NOT NULL,
  expires_at        timestamptz NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX graph_subscriptions_user ON graph_subscriptions (user_id);

-- Signatures of accepted NetSuite pushes, kept for the replay window.
CREATE TABLE netsuite_push_seen (
  tenant_id  text NOT NULL,
  signature  text NOT NULL,
  pushed_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, signature)
);
CREATE INDEX netsuite_push_seen_pushed_at ON netsuite_push_seen (pushed_at);

CREATE TABLE admin_consents (
  state        text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  requested_at timestamptz NOT NULL DEFAULT now(),
  granted_at   timestamptz,
  -- The directory (Entra tenant) Microsoft reported, or the error it returned.
  directory_id text,
  error        text
);
CREATE INDEX admin_consents_tenant ON admin_consents (tenant_id, requested_at DESC);

-- A NetSuite push names only the record: find whose item it is.
CREATE INDEX link_sides_tenant_native ON link_sides (tenant_id, side, native_id) WHERE native_id IS NOT NULL;
CREATE INDEX users_tenant_id ON users (tenant_id, id);
CREATE INDEX audit_user_id ON audit (user_id, id DESC);
`,
};
