import type { Migration } from '../migrate';

/**
 * Provider call gate shared by all workers (ADR 0002): a rolling-window request ledger per
 * budget scope (one Autotask database) and concurrency leases per key (one endpoint) that expire
 * when their worker stops renewing them. `provider_gate_acquire` decides admission atomically
 * under an advisory lock on the scope, in one round trip.
 */
export const providerGate: Migration = {
  id: 2,
  name: 'provider_gate',
  up: `
CREATE TABLE IF NOT EXISTS provider_gate_ledger (
  id bigserial PRIMARY KEY,
  scope text NOT NULL,
  called_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS provider_gate_ledger_scope_called_at ON provider_gate_ledger (scope, called_at);

CREATE TABLE IF NOT EXISTS provider_gate_leases (
  id bigserial PRIMARY KEY,
  key text NOT NULL,
  scope text NOT NULL,
  holder text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS provider_gate_leases_key_expires_at ON provider_gate_leases (key, expires_at);

-- Admits one call for p_key, or says what blocks it. A NULL p_budget means "no budget".
-- Returns lease_id (admitted), or blocked_by 'concurrency' | 'budget' with wait_ms until the
-- budget frees a request; remaining is what is left of the budget after this call.
CREATE OR REPLACE FUNCTION provider_gate_acquire(
  p_scope text,
  p_key text,
  p_holder text,
  p_max_concurrent integer,
  p_budget integer,
  p_window_ms bigint,
  p_lease_ms bigint
) RETURNS TABLE (lease_id bigint, blocked_by text, wait_ms bigint, remaining integer)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_window interval := make_interval(secs => p_window_ms / 1000.0);
  v_active integer;
  v_used integer := 0;
  v_oldest timestamptz;
  v_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('provider_gate:' || p_scope, 0));

  -- A lease whose worker died (no renewal) stops counting once it expires.
  DELETE FROM provider_gate_leases WHERE key = p_key AND expires_at <= v_now;
  SELECT count(*) INTO v_active FROM provider_gate_leases WHERE key = p_key;
  IF v_active >= p_max_concurrent THEN
    RETURN QUERY SELECT NULL::bigint, 'concurrency'::text, NULL::bigint, NULL::integer;
    RETURN;
  END IF;

  IF p_budget IS NOT NULL THEN
    DELETE FROM provider_gate_ledger WHERE scope = p_scope AND called_at <= v_now - v_window;
    SELECT count(*), min(called_at) INTO v_used, v_oldest FROM provider_gate_ledger WHERE scope = p_scope;
    IF v_used >= p_budget THEN
      RETURN QUERY SELECT NULL::bigint, 'budget'::text,
        GREATEST(1, ceil(extract(epoch FROM (v_oldest + v_window - v_now)) * 1000))::bigint, 0;
      RETURN;
    END IF;
    INSERT INTO provider_gate_ledger (scope, called_at) VALUES (p_scope, v_now);
    v_used := v_used + 1;
  END IF;

  INSERT INTO provider_gate_leases (key, scope, holder, acquired_at, expires_at)
    VALUES (p_key, p_scope, p_holder, v_now, v_now + make_interval(secs => p_lease_ms / 1000.0))
    RETURNING id INTO v_id;
  RETURN QUERY SELECT v_id, NULL::text, 0::bigint,
    CASE WHEN p_budget IS NULL THEN NULL::integer ELSE p_budget - v_used END;
END
$fn$;
`,
};

export default providerGate;
