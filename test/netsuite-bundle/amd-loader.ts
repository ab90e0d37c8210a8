import { readFileSync } from 'node:fs';
import path from 'node:path';

export const BUNDLE_DIR = path.resolve(__dirname, '../../netsuite/src/FileCabinet/SuiteScripts/calsync');

/** Loads one SuiteScript 2.x AMD module of the shipped bundle with the given N/ module stand-ins. */
export function loadSuiteScript<T>(file: string, deps: Record<string, unknown>): T {
  const source = readFileSync(path.join(BUNDLE_DIR, file), 'utf8');
  let exported: unknown;
  const define = (names: string[], factory: (...args: unknown[]) => unknown) => {
    exported = factory(
      ...names.map((name) => {
        if (name.startsWith('./')) return loadSuiteScript(`${name.slice(2)}.js`, deps);
        if (!(name in deps)) throw new Error(`${file} needs ${name}, which the test did not provide`);
        return deps[name];
      })
    );
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function('define', source) as (amdDefine: typeof define) => void;
  run(define);
  return exported as T;
}
