import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seals tenant credentials at rest with AES-256-GCM. Keys are named, so they can rotate: the first
 * key seals, every listed key opens. Sealed layout: 12-byte IV | ciphertext | 16-byte tag.
 */
export interface SealedSecret {
  keyId: string;
  data: Buffer;
}

export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly currentKeyId: string;

  /** `spec` is `keyId:base64key[,keyId:base64key...]`; the first key is the current one. */
  constructor(spec: string) {
    const entries = spec
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part): [string, Buffer] => {
        const [id, b64] = part.split(':');
        const key = Buffer.from(b64 ?? '', 'base64');
        if (!id || key.length !== 32) {
          throw new Error(`secrets key "${id ?? part}" must be written as keyId:base64 of exactly 32 bytes`);
        }
        return [id, key];
      });
    if (entries.length === 0) throw new Error('at least one secrets key is required');
    this.keys = new Map(entries);
    this.currentKeyId = entries[0]![0];
  }

  static generateKeySpec(keyId = 'k1'): string {
    return `${keyId}:${randomBytes(32).toString('base64')}`;
  }

  seal(plaintext: unknown): SealedSecret {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(this.currentKeyId));
    const body = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, data: Buffer.concat([iv, body, cipher.getAuthTag()]) };
  }

  open<T = unknown>(sealed: SealedSecret): T {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`secrets were sealed with key "${sealed.keyId}", which is not configured`);
    const iv = sealed.data.subarray(0, 12);
    const tag = sealed.data.subarray(sealed.data.length - 16);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(sealed.keyId));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(sealed.data.subarray(12, sealed.data.length - 16)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  needsRotation(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.currentKeyId;
  }
}
