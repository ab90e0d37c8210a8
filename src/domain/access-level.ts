import { z } from 'zod';
import { netSuiteAccessLevelSchema, outlookSensitivitySchema, type Visibility } from './canonical-event';

/**
 * Access levels, in each side's own terms, and the translation DESIGN.md §2 prescribes:
 * NetSuite→Outlook: Public→normal, Private→private, Show as Busy→private;
 * Outlook→NetSuite: normal→Public, private/personal/confidential→Show as Busy.
 *
 * The mapping is lossy, so it is done on two classes (public / restricted) and a target that
 * already holds a value of the right class keeps it. That is what stops round trips from
 * flipping a value: a NetSuite Private event comes back from Outlook still Private, and an
 * Outlook "personal" event stays "personal".
 */

export { netSuiteAccessLevelSchema, outlookSensitivitySchema };
export type OutlookSensitivity = z.infer<typeof outlookSensitivitySchema>;

export type NetSuiteAccessLevel = z.infer<typeof netSuiteAccessLevelSchema>;

export const accessValueSchema = z.union([outlookSensitivitySchema, netSuiteAccessLevelSchema]);
export type AccessValue = z.infer<typeof accessValueSchema>;

export type AccessClass = 'public' | 'restricted';

export function accessClassOf(value: AccessValue): AccessClass {
  return value === 'normal' || value === 'PUBLIC' ? 'public' : 'restricted';
}

export function netSuiteToOutlookSensitivity(level: NetSuiteAccessLevel): OutlookSensitivity {
  return level === 'PUBLIC' ? 'normal' : 'private';
}

export function outlookSensitivityToNetSuite(sensitivity: OutlookSensitivity): NetSuiteAccessLevel {
  return sensitivity === 'normal' ? 'PUBLIC' : 'SHOW_AS_BUSY';
}

/** The value a side gets for an access class, keeping its current value when that has the class. */
export function accessForSide(
  side: 'outlook' | 'netsuite',
  accessClass: AccessClass,
  current?: AccessValue
): OutlookSensitivity | NetSuiteAccessLevel {
  const native = (v: AccessValue | undefined): v is OutlookSensitivity | NetSuiteAccessLevel =>
    v !== undefined && (side === 'outlook' ? outlookSensitivitySchema : netSuiteAccessLevelSchema).safeParse(v).success;
  if (native(current) && accessClassOf(current) === accessClass) return current;
  if (side === 'outlook') return accessClass === 'public' ? 'normal' : 'private';
  return accessClass === 'public' ? 'PUBLIC' : 'SHOW_AS_BUSY';
}

/** Translates one side's access value into another side's, never flipping a value of the right class. */
export function translateAccess(
  value: AccessValue,
  toSide: 'outlook' | 'netsuite',
  targetCurrent?: AccessValue
): OutlookSensitivity | NetSuiteAccessLevel {
  return accessForSide(toSide, accessClassOf(value), targetCurrent);
}

export function visibilityOfAccess(value: AccessValue): Visibility {
  if (value === 'SHOW_AS_BUSY') return 'busy-only';
  return accessClassOf(value) === 'public' ? 'public' : 'private';
}

export function outlookSensitivityOfVisibility(visibility: Visibility): OutlookSensitivity {
  return visibility === 'public' ? 'normal' : 'private';
}

export function netSuiteAccessOfVisibility(visibility: Visibility): NetSuiteAccessLevel {
  if (visibility === 'public') return 'PUBLIC';
  return visibility === 'private' ? 'PRIVATE' : 'SHOW_AS_BUSY';
}
