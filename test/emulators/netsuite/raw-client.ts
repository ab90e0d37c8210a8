import { createHmac } from 'node:crypto';
import axios, { type AxiosResponse } from 'axios';
import OAuth from 'oauth-1.0a';
import { type NetSuiteAccountHandle } from '../../../src/emulators/netsuite';

/** Plain signed HTTP against the emulator (no calsync client), to look at its answers as they are. */
export function rawTba(
  account: NetSuiteAccountHandle,
  credentials = { consumerKey: 'raw-ck', consumerSecret: 'raw-cs', tokenId: 'raw-tok', tokenSecret: 'raw-ts' }
) {
  account.registerTba(credentials);
  const oauth = new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: 'HMAC-SHA256',
    hash_function: (base, key) => createHmac('sha256', key).update(base).digest('base64'),
    realm: account.accountId,
  });
  const token = { key: credentials.tokenId, secret: credentials.tokenSecret };
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<AxiosResponse> => {
    const url = path.startsWith('http') ? path : `${account.baseUrl}${path}`;
    return axios.request({
      method,
      url,
      data: body,
      headers: { ...oauth.toHeader(oauth.authorize({ method, url }, token)), ...headers },
      validateStatus: () => true,
    });
  };
}

export const RECORD = '/services/rest/record/v1';
export const SUITEQL = '/services/rest/query/v1/suiteql';
