import { ProviderError, parseRetryAfter } from '../provider-error';
import { identityExpand, readIdentity } from './extended-properties';
import type { IdentifiedEvent } from './events';
import { batchResponseSchema, graphErrorBodySchema, identifiedEventSchema } from './schemas';
import { eventPath, type GraphTransport } from './transport';

/**
 * Re-reads many events in `$batch` requests of 20, with our identity properties expanded (delta
 * cannot expand them). Each item carries its own Prefer header: batch items do not inherit the
 * outer request's headers.
 */

const maxPerBatch = 20;
const itemPrefer = 'IdType="ImmutableId", outlook.timezone="UTC"';

/** id → event, or null when the item no longer exists. */
export async function batchGetEvents(
  transport: GraphTransport,
  mailbox: string,
  ids: readonly string[]
): Promise<Map<string, IdentifiedEvent | null>> {
  const ns = transport.options.propertyNamespace;
  const expand = encodeURIComponent(identityExpand(ns));
  const out = new Map<string, IdentifiedEvent | null>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += maxPerBatch) {
    const chunk = unique.slice(i, i + maxPerBatch);
    const requests = chunk.map((id, n) => ({
      id: String(n + 1),
      method: 'GET',
      url: `${eventPath(mailbox, id)}?$expand=${expand}`,
      headers: { Prefer: itemPrefer },
    }));
    const reply = await transport.call(mailbox, 'events.batchGet', async (client) =>
      batchResponseSchema.parse(await client.api('/$batch').post({ requests }))
    );
    for (const item of reply.responses) {
      const id = chunk[Number(item.id) - 1];
      if (id === undefined) continue;
      if (item.status === 404) {
        out.set(id, null);
      } else if (item.status >= 200 && item.status < 300) {
        const event = identifiedEventSchema.parse(item.body);
        out.set(id, { event, identity: readIdentity(event, ns) });
      } else {
        throw itemError(item.status, item.body, item.headers ?? {});
      }
    }
  }
  return out;
}

function itemError(status: number, body: unknown, headers: Record<string, string>): ProviderError {
  const parsed = graphErrorBodySchema.safeParse(body);
  const retryAfter = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new ProviderError({
    provider: 'graph',
    operation: 'events.batchGet',
    status,
    code: parsed.success ? parsed.data.error.code : `Http${status}`,
    message: parsed.success ? (parsed.data.error.message ?? '') : `batch item failed with ${status}`,
    retryable: [408, 409, 429, 500, 502, 503, 504].includes(status),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
