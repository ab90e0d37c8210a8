import type { Migration } from '../migrate';

/** The foundation slice's per-user links are replaced by items/item_records (0004); nothing reads them. */
export const dropUserLinks: Migration = {
  id: 5,
  name: 'drop_user_links',
  up: `
DROP TABLE IF EXISTS link_sides;
DROP TABLE IF EXISTS links;
`,
};
