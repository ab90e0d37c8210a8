import type { Migration } from '../migrate';
import { initial } from './0001_initial';

/** Every migration, in order. Applied migrations are never edited: add a new one. */
export const migrations: readonly Migration[] = [initial];
