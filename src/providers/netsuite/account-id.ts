/**
 * One NetSuite account id has two spellings: the OAuth 1.0a realm is UPPERCASE with underscores
 * (123456_SB1), the host name lowercase with dashes (123456-sb1). Getting either wrong fails auth.
 */
export interface NetSuiteAccountId {
  /** As the OAuth 1.0a realm and in SuiteQL-facing configuration: 123456_SB1. */
  realm: string;
  /** As the first label of the API host names: 123456-sb1. */
  host: string;
}

export function normalizeAccountId(accountId: string): NetSuiteAccountId {
  const trimmed = accountId.trim();
  if (!/^[A-Za-z0-9_-]+$/.test(trimmed)) throw new Error(`invalid NetSuite account id "${accountId}"`);
  return { realm: trimmed.replace(/-/g, '_').toUpperCase(), host: trimmed.replace(/_/g, '-').toLowerCase() };
}

/** The production REST host for an account (record, query and auth services share it). */
export function defaultRestBaseUrl(accountId: string): string {
  return `https://${normalizeAccountId(accountId).host}.suitetalk.api.netsuite.com`;
}

/** The production RESTlet host for an account. */
export function defaultRestletBaseUrl(accountId: string): string {
  return `https://${normalizeAccountId(accountId).host}.restlets.api.netsuite.com`;
}

export const RECORD_PATH = '/services/rest/record/v1';
export const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
export const RESTLET_PATH = '/app/site/hosting/restlet.nl';
