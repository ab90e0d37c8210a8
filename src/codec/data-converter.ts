import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './aes-gcm-codec';

/** The module the worker bundles and clients load for failures (see failure-converter.ts). */
export const failureConverterPath = require.resolve('./failure-converter');

/**
 * The DataConverter every Temporal client and worker of calsync uses: payloads encrypted with the
 * codec keys (`CALSYNC_CODEC_KEYS`), failure messages and stack traces encoded so the codec
 * encrypts them as well. Without keys, payloads stay plain (local runs that did not configure any).
 */
export function createDataConverter(codecKeys: string | undefined): DataConverter {
  if (!codecKeys) return {};
  return { payloadCodecs: [new AesGcmPayloadCodec(codecKeys)], failureConverterPath };
}
