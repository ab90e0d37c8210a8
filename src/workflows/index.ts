// The workflow bundle's entry point: every workflow the worker runs is exported here.
export { userSync } from './user-sync/user-sync-workflow';
export { tenantPoller } from './tenant-poller/tenant-poller-workflow';
export { itemSync } from './item-sync/item-sync-workflow';
