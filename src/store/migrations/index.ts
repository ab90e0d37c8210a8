import type { Migration } from '../migrate';
import { initial } from './0001_initial';
import { providerGate } from './0002_provider_gate';
import { api } from './0003_api';
import { items } from './0004_items';
import { dropUserLinks } from './0005_drop_user_links';
import { usersVersion } from './0006_users_version';
import { itemLeases } from './0007_item_leases';

/** Every migration, in order. Applied migrations are never edited: add a new one. */
export const migrations: readonly Migration[] = [
  initial,
  providerGate,
  api,
  items,
  dropUserLinks,
  usersVersion,
  itemLeases,
];
