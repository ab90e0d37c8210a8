/** Deterministic and opaque (tenant and user ids are opaque): one workflow per user. */
export const userSyncWorkflowId = (tenantId: string, userId: string): string => `calsync/${tenantId}/user/${userId}`;
