import type { FastifyRequest } from 'fastify';
import type { TokenAuthority } from './auth';
import type { Calendar } from './calendar';
import type { DeltaTokens } from './delta';
import type { Faults } from './faults';
import { parsePreferences, type Preferences } from './prefer';
import type { RenderOptions } from './render';
import type { LoggedRequest } from './request-log';
import type { SubscriptionHub } from './subscriptions';

/** Everything the routes share. */
export interface EmulatorContext {
  calendar: Calendar;
  auth: TokenAuthority;
  deltas: DeltaTokens;
  subscriptions: SubscriptionHub;
  faults: Faults;
  requestLog: LoggedRequest[];
  /** e.g. https://127.0.0.1:PORT/v1.0 */
  baseUrl: () => string;
  /** e.g. https://127.0.0.1:PORT */
  loginUrl: () => string;
  maxConcurrentPerMailbox: number;
  defaultPageSize: number;
}

export function prefsOf(req: FastifyRequest): Preferences {
  return parsePreferences(req.headers);
}

export function renderOptionsOf(prefs: Preferences): RenderOptions {
  const opts: RenderOptions = { immutableIds: prefs.immutableIds };
  if (prefs.timeZone) opts.timeZone = prefs.timeZone;
  if (prefs.bodyType) opts.bodyType = prefs.bodyType;
  return opts;
}

export type Query = Record<string, string | undefined>;

export const queryOf = (req: FastifyRequest): Query => req.query as Query;
export const paramsOf = (req: FastifyRequest): Record<string, string> => req.params as Record<string, string>;
