import type { Migration } from '../migrate';

/**
 * A version per tenant's user list, bumped in the same transaction as any change to its users, so
 * that a worker can keep the list and know at the cost of one tiny read whether it is still true
 * (src/store/tenant-users.ts). Every sync activity needs the tenant's users (meetings name them),
 * and reading them all each time cost a row per user per activity (10,000 users per tenant).
 */
export const usersVersion: Migration = {
  id: 6,
  name: 'users_version',
  up: `
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS users_version bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION bump_tenant_users_version() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE tenants SET users_version = users_version + 1 WHERE id = OLD.tenant_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id) THEN
    UPDATE tenants SET users_version = users_version + 1 WHERE id = NEW.tenant_id;
  END IF;
  RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS users_bump_tenant_version ON users;
CREATE TRIGGER users_bump_tenant_version AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION bump_tenant_users_version();
`,
};
