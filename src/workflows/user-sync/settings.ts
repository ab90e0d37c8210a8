import { z } from 'zod';

/** A duration a running sync may be given: one second to a week, in milliseconds. */
const duration = z
  .number()
  .int()
  .min(1_000)
  .max(7 * 86_400_000);

/**
 * What `configure` may change on a running sync, and within which bounds. One schema for the
 * workflow's update validator and the admin API's request body, so that both refuse the same.
 */
export const configurableSettingsSchema = z
  .object({
    pollIntervalMs: duration,
    subscribedPollIntervalMs: duration,
    subscriptionRenewalMarginMs: duration,
    tenantPollIntervalMs: duration,
    deletionScanIntervalMs: duration,
    reconcileIntervalMs: duration,
    maxHistoryEvents: z.number().int().min(100).max(50_000),
  })
  .partial()
  .strict();

/** Refuses a `configure` that names an unknown setting or a value out of bounds, saying which. */
export function validateSettings(settings: unknown): void {
  const parsed = configurableSettingsSchema.safeParse(settings);
  if (!parsed.success)
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '));
}
