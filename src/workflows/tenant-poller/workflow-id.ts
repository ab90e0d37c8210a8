/** One poller per tenant and provider. */
export const tenantPollerWorkflowId = (tenantId: string, provider: 'netsuite' | 'autotask'): string =>
  `calsync/${tenantId}/poller/${provider}`;
