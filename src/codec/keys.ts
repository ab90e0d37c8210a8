/**
 * Codec keys, written like the secrets keys: `keyId:base64(32 bytes)[,keyId:base64...]`. The first
 * key encrypts; every listed key decrypts, so rotating means putting a new key first and keeping
 * the old ones until no history needs them.
 */
export interface CodecKeys {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export function parseCodecKeys(spec: string): CodecKeys {
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): [string, Buffer] => {
      const cut = part.indexOf(':');
      const id = cut > 0 ? part.slice(0, cut) : '';
      const key = Buffer.from(cut > 0 ? part.slice(cut + 1) : '', 'base64');
      if (!/^[A-Za-z0-9_.-]+$/.test(id) || key.length !== 32) {
        throw new Error(`codec key "${id || '?'}" must be written as keyId:base64 of exactly 32 bytes`);
      }
      return [id, key];
    });
  const first = entries[0];
  if (!first) throw new Error('at least one codec key is required');
  const keys = new Map(entries);
  if (keys.size !== entries.length) throw new Error('codec key ids must be unique');
  return { currentKeyId: first[0], keys };
}
