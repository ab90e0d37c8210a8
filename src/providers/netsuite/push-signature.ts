import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The shipped User Event script signs each push: HMAC-SHA256 over "<timestamp>.<raw body>" under
 * the tenant's secret, hex, sent as `X-Calsync-Signature: v1=<hex>` with `X-Calsync-Timestamp`
 * (unix seconds). The timestamp bounds replays; the body is only a hint (DESIGN §4.1) anyway.
 */
export const PUSH_SIGNATURE_HEADER = 'x-calsync-signature';
export const PUSH_TIMESTAMP_HEADER = 'x-calsync-timestamp';

export interface NetSuitePushBody {
  type: 'create' | 'edit' | 'xedit' | 'delete';
  id: string;
  /** lastmodifieddate as the script read it (UTC ISO); absent on delete. */
  lastModified?: string;
}

export function signPush(secret: string, timestampSeconds: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}

export interface VerifyPushInput {
  secret: string;
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs?: number;
  /** How old a push may be; default 5 minutes. */
  toleranceSeconds?: number;
}

/** True when the push is signed with `secret` and fresh. */
export function verifyPush(input: VerifyPushInput): boolean {
  if (!input.signature || !input.timestamp || !/^\d+$/.test(input.timestamp)) return false;
  const ts = Number(input.timestamp);
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signPush(input.secret, ts, input.rawBody));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
