/**
 * Where providers reach calsync. The engine passes these to Graph when it creates a subscription
 * (notificationUrl, lifecycleNotificationUrl) and the NetSuite bundle is configured with the push URL.
 */
export const webhookPaths = {
  graphNotifications: '/webhooks/graph/notifications',
  graphLifecycle: '/webhooks/graph/lifecycle',
  netsuitePush: (tenantId: string) => `/webhooks/netsuite/${encodeURIComponent(tenantId)}`,
  adminConsentCallback: '/admin-consent/callback',
};

export function webhookUrls(publicBaseUrl: string, tenantId: string) {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    graphNotificationUrl: `${base}${webhookPaths.graphNotifications}`,
    graphLifecycleUrl: `${base}${webhookPaths.graphLifecycle}`,
    netsuitePushUrl: `${base}${webhookPaths.netsuitePush(tenantId)}`,
  };
}
