import { EXTERNAL_ID_PATTERN } from '../../providers/netsuite/calendar-event-fields';

/**
 * Our NetSuite external ids: `calsync-<itemId>` when the item id fits NetSuite's alphabet
 * (letters, digits, `_`, `-`), else `calsync_<base64url(itemId)>` (occurrence ids hold `@` and
 * `:`). Both forms read back to the item id, so a record names its link.
 */
const PLAIN = 'calsync-';
const ENCODED = 'calsync_';

export function externalIdFor(itemId: string): string {
  const plain = `${PLAIN}${itemId}`;
  if (EXTERNAL_ID_PATTERN.test(plain)) return plain;
  const encoded = `${ENCODED}${Buffer.from(itemId, 'utf8').toString('base64url')}`;
  if (!EXTERNAL_ID_PATTERN.test(encoded)) throw new Error(`item id too long for a NetSuite external id: ${itemId}`);
  return encoded;
}

export function itemIdOfExternalId(externalId: string | undefined): string | undefined {
  if (externalId === undefined) return undefined;
  if (externalId.startsWith(PLAIN)) return externalId.slice(PLAIN.length) || undefined;
  if (externalId.startsWith(ENCODED))
    return Buffer.from(externalId.slice(ENCODED.length), 'base64url').toString('utf8') || undefined;
  return undefined;
}
