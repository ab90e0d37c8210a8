import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import fc from 'fast-check';
import {
  AesGcmPayloadCodec,
  deserializePayload,
  PayloadDecryptionError,
  serializePayload,
} from '../../src/codec/aes-gcm-codec';
import { createDataConverter, failureConverterPath } from '../../src/codec/data-converter';
import { parseCodecKeys } from '../../src/codec/keys';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const secretPayload = () =>
  defaultPayloadConverter.toPayload({ subject: 'Board meeting: layoffs', attendees: ['ceo@acme.example'] });

describe('AES-256-GCM payload codec', () => {
  it('encrypts the whole payload and names the key in clear metadata', async () => {
    const codec = new AesGcmPayloadCodec(key('k1'));
    const [encoded] = await codec.encode([secretPayload()]);
    expect(text(encoded!.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(encoded!.metadata?.['encryption-key-id'])).toBe('k1');
    expect(Object.keys(encoded!.metadata ?? {}).sort()).toEqual(['encoding', 'encryption-cipher', 'encryption-key-id']);
    const raw = Buffer.from(encoded!.data!);
    expect(raw.includes(Buffer.from('layoffs'))).toBe(false);
    expect(raw.includes(Buffer.from('json/plain'))).toBe(false);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({
      subject: 'Board meeting: layoffs',
      attendees: ['ceo@acme.example'],
    });
  });

  it('uses a fresh IV each time, so equal payloads do not look equal', async () => {
    const codec = new AesGcmPayloadCodec(key('k1'));
    const [a, b] = await codec.encode([secretPayload(), secretPayload()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates: a new first key encrypts, old keys still decrypt, retired keys are named in the error', async () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const [old] = await new AesGcmPayloadCodec(k1).encode([secretPayload()]);
    const rotated = new AesGcmPayloadCodec(`${k2},${k1}`);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toMatchObject({
      subject: 'Board meeting: layoffs',
    });
    const [fresh] = await rotated.encode([secretPayload()]);
    expect(text(fresh!.metadata?.['encryption-key-id'])).toBe('k2');
    const retired = new AesGcmPayloadCodec(k2);
    await expect(retired.decode([old!])).rejects.toThrow(
      new PayloadDecryptionError('payload was encrypted with codec key "k1", which is not configured')
    );
    await expect(retired.decode([fresh!])).resolves.toHaveLength(1);
  });

  it('refuses a tampered payload, a key id swapped in the metadata, and a truncated one', async () => {
    const codec = new AesGcmPayloadCodec(`${key('k1')},${key('k2')}`);
    const [encoded] = await codec.encode([secretPayload()]);
    const flipped = Buffer.from(encoded!.data!);
    flipped[20]! ^= 1;
    await expect(codec.decode([{ ...encoded!, data: new Uint8Array(flipped) }])).rejects.toBeInstanceOf(
      PayloadDecryptionError
    );
    const swapped: Payload = {
      ...encoded!,
      metadata: { ...encoded!.metadata, 'encryption-key-id': new TextEncoder().encode('k2') },
    };
    await expect(codec.decode([swapped])).rejects.toBeInstanceOf(PayloadDecryptionError);
    await expect(codec.decode([{ ...encoded!, data: new Uint8Array(10) }])).rejects.toThrow(/truncated/);
  });

  it('passes payloads that are not encrypted through decode (history from before the codec)', async () => {
    const plain = secretPayload();
    const [decoded] = await new AesGcmPayloadCodec(key('k1')).decode([plain]);
    expect(decoded).toBe(plain);
  });

  it('serialises any payload losslessly', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.uint8Array()), fc.uint8Array({ maxLength: 2000 }), (metadata, data) => {
        const back = deserializePayload(serializePayload({ metadata, data }));
        expect(Object.keys(back.metadata ?? {}).sort()).toEqual(Object.keys(metadata).sort());
        for (const [k, v] of Object.entries(metadata))
          expect(Buffer.from(back.metadata![k]!).equals(Buffer.from(v))).toBe(true);
        expect(Buffer.from(back.data!).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 200 }
    );
  });
});

describe('codec keys and data converter', () => {
  it('explains a malformed key spec', () => {
    expect(() => parseCodecKeys('')).toThrow(/at least one/);
    expect(() => parseCodecKeys('k1:c2hvcnQ=')).toThrow(/exactly 32 bytes/);
    expect(() => parseCodecKeys(`${key('k1')},${key('k1')}`)).toThrow(/unique/);
    expect(parseCodecKeys(`${key('a')}, ${key('b')}`).currentKeyId).toBe('a');
  });

  it('gives clients and workers the codec and the encrypting failure converter', () => {
    const converter = createDataConverter(key('k1'));
    expect(converter.payloadCodecs).toHaveLength(1);
    expect(converter.failureConverterPath).toBe(failureConverterPath);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(failureConverterPath) as {
      failureConverter: { options: { encodeCommonAttributes: boolean } };
    };
    expect(loaded.failureConverter.options.encodeCommonAttributes).toBe(true);
    expect(createDataConverter(undefined)).toEqual({});
  });
});
