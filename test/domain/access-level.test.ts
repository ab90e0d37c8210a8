import fc from 'fast-check';
import {
  accessClassOf,
  netSuiteToOutlookSensitivity,
  outlookSensitivityToNetSuite,
  translateAccess,
  type NetSuiteAccessLevel,
  type OutlookSensitivity,
} from '../../src/domain/access-level';

const outlook: OutlookSensitivity[] = ['normal', 'personal', 'private', 'confidential'];
const netsuite: NetSuiteAccessLevel[] = ['PUBLIC', 'PRIVATE', 'SHOW_AS_BUSY'];

describe('access-level mapping', () => {
  it('follows DESIGN.md §2 exactly when the target has no value yet', () => {
    expect(netsuite.map(netSuiteToOutlookSensitivity)).toEqual(['normal', 'private', 'private']);
    expect(outlook.map(outlookSensitivityToNetSuite)).toEqual([
      'PUBLIC',
      'SHOW_AS_BUSY',
      'SHOW_AS_BUSY',
      'SHOW_AS_BUSY',
    ]);
    expect(netsuite.map((v) => translateAccess(v, 'outlook'))).toEqual(['normal', 'private', 'private']);
    expect(outlook.map((v) => translateAccess(v, 'netsuite'))).toEqual([
      'PUBLIC',
      'SHOW_AS_BUSY',
      'SHOW_AS_BUSY',
      'SHOW_AS_BUSY',
    ]);
  });

  it('a round trip never flips a value: out and back lands on the value we started from', () => {
    fc.assert(
      fc.property(fc.constantFrom(...netsuite), (start) => {
        const inOutlook = translateAccess(start, 'outlook');
        expect(translateAccess(inOutlook, 'netsuite', start)).toBe(start);
      })
    );
    fc.assert(
      fc.property(fc.constantFrom(...outlook), (start) => {
        const inNetSuite = translateAccess(start, 'netsuite');
        expect(translateAccess(inNetSuite, 'outlook', start)).toBe(start);
      })
    );
  });

  it('a change of class always gets through', () => {
    fc.assert(
      fc.property(fc.constantFrom(...outlook), fc.constantFrom(...netsuite), (o, n) => {
        expect(accessClassOf(translateAccess(o, 'netsuite', n))).toBe(accessClassOf(o));
        expect(accessClassOf(translateAccess(n, 'outlook', o))).toBe(accessClassOf(n));
      })
    );
  });
});
