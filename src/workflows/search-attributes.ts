import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes operators use to find a user's sync in the Temporal UI
 * (e.g. `CalsyncUserId = "u_123"`). They are never encrypted, so they hold opaque ids only.
 */
export const searchAttributes = {
  tenantId: defineSearchAttributeKey('CalsyncTenantId', SearchAttributeType.KEYWORD),
  userId: defineSearchAttributeKey('CalsyncUserId', SearchAttributeType.KEYWORD),
  syncState: defineSearchAttributeKey('CalsyncSyncState', SearchAttributeType.KEYWORD),
};

export const allSearchAttributes = Object.values(searchAttributes);
