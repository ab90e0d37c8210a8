import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { type CodecKeys, parseCodecKeys } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (value: string) => new TextEncoder().encode(value);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

/**
 * Encrypts whole payloads (metadata and data) with AES-256-GCM before they reach Temporal
 * (DESIGN.md §4.8). The key id travels in clear metadata and is bound to the ciphertext as
 * associated data, so a payload names the key that opens it and keys can rotate. Payloads that are
 * not encrypted pass through decode unchanged (history written before the codec was enabled).
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: CodecKeys;

  constructor(keys: CodecKeys | string) {
    this.keys = typeof keys === 'string' ? parseCodecKeys(keys) : keys;
  }

  get currentKeyId(): string {
    return this.keys.currentKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keys.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keys.get(keyId)!, iv);
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const body = Buffer.concat([cipher.update(serializePayload(payload)), cipher.final()]);
    return {
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(keyId), [CIPHER_METADATA]: utf8(CIPHER) },
      data: new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()])),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new PayloadDecryptionError('encrypted payload without a key id');
    const key = this.keys.keys.get(keyId);
    if (!key)
      throw new PayloadDecryptionError(`payload was encrypted with codec key "${keyId}", which is not configured`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return deserializePayload(plain);
    } catch (err) {
      if (err instanceof PayloadDecryptionError) throw err;
      throw new PayloadDecryptionError(
        `encrypted payload could not be opened with key "${keyId}" (tampered or wrong key)`
      );
    }
  }
}

/*
 * The plaintext layout: u32 count, then per metadata entry u32 key length, key (utf8), u32 value
 * length, value; then u32 data length and the data. All lengths big-endian. Self-contained, so the
 * codec does not depend on the protobuf runtime.
 */
export function serializePayload(payload: Payload): Buffer {
  const entries = Object.entries(payload.metadata ?? {});
  const parts: Buffer[] = [u32(entries.length)];
  for (const [key, value] of entries) {
    const keyBytes = Buffer.from(key, 'utf8');
    const valueBytes = Buffer.from(value ?? new Uint8Array());
    parts.push(u32(keyBytes.length), keyBytes, u32(valueBytes.length), valueBytes);
  }
  const data = Buffer.from(payload.data ?? new Uint8Array());
  parts.push(u32(data.length), data);
  return Buffer.concat(parts);
}

export function deserializePayload(bytes: Buffer): Payload {
  let offset = 0;
  const take = (length: number): Buffer => {
    if (offset + length > bytes.length) throw new PayloadDecryptionError('encrypted payload is malformed');
    const out = bytes.subarray(offset, offset + length);
    offset += length;
    return out;
  };
  const readU32 = () => take(4).readUInt32BE(0);
  const metadata: Record<string, Uint8Array> = {};
  const count = readU32();
  for (let i = 0; i < count; i++) {
    const key = take(readU32()).toString('utf8');
    metadata[key] = new Uint8Array(take(readU32()));
  }
  const data = new Uint8Array(take(readU32()));
  if (offset !== bytes.length) throw new PayloadDecryptionError('encrypted payload is malformed');
  return { metadata, data };
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value, 0);
  return out;
}
