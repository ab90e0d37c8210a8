import { type NetSuiteAccessLevel, accessForSide, visibilityOfAccess } from '../../domain/access-level';
import { type Visibility } from '../../domain/canonical-event';
import { type NetSuiteEnumWrite } from './calendar-event-fields';

/**
 * NetSuite's spelling of event access ↔ the domain's access rules (src/domain/access-level.ts,
 * DESIGN §2). The rules, including "a value of the right class is kept", live in the domain; this
 * file only reads and writes NetSuite's enum.
 */
export type { NetSuiteAccessLevel };

/** Reads the id in any spelling seen (the 2026.1 dump has "SHOW AS BUSY"; other enums use underscores). */
export function readAccessLevel(value: { id: string; refName?: string | undefined } | undefined): NetSuiteAccessLevel {
  if (value === undefined) return 'PUBLIC'; // NetSuite's default
  const key = value.id
    .toUpperCase()
    .replace(/[\s_]+/g, '_')
    .trim();
  if (key === 'PUBLIC') return 'PUBLIC';
  if (key === 'PRIVATE') return 'PRIVATE';
  // SHOW_AS_BUSY by id or refName, and anything unrecognised: hiding details is the safe side.
  return 'SHOW_AS_BUSY';
}

export const accessLevelToVisibility = (level: NetSuiteAccessLevel): Visibility => visibilityOfAccess(level);

/** The level to write: public ↔ Public; private and busy-only keep a restricted current value, else Show as Busy. */
export function visibilityToAccessLevel(
  visibility: Visibility,
  current: NetSuiteAccessLevel | undefined
): NetSuiteAccessLevel {
  return accessForSide('netsuite', visibility === 'public' ? 'public' : 'restricted', current) as NetSuiteAccessLevel;
}

/** Show as Busy is written by refName: its id's exact spelling is not confirmed on a live account. */
export function accessLevelWrite(level: NetSuiteAccessLevel): NetSuiteEnumWrite {
  return level === 'SHOW_AS_BUSY' ? { refName: 'Show as Busy' } : { id: level };
}
