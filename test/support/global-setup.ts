// Filled in by the foundation: starts Temporal and PostgreSQL for integration tests.
export default async function globalSetup(): Promise<void> {}
