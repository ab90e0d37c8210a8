/**
 * Gate keys for Autotask calls. The thread limit applies per endpoint and the hourly budget per
 * database, so keys read `autotask:<databaseId>:<endpoint>` and the budget scope is the key
 * without its endpoint (what PostgresCallGate's default scopeOf takes).
 */
export function autotaskGateKey(databaseId: string, endpoint: string): string {
  return `${autotaskBudgetScope(databaseId)}:${endpoint}`;
}

export function autotaskBudgetScope(databaseId: string): string {
  return `autotask:${databaseId}`;
}
