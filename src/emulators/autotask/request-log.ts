export interface LoggedRequest {
  at: string;
  method: string;
  /** Path and query as received. */
  path: string;
  /** The entity the request addressed (CompanyToDos for /Companies/{id}/ToDos), when any. */
  entity?: string;
  /** e.g. "query", "query-next", "count", "get", "create", "update", "delete", "zone", "threshold". */
  action?: string;
  /** The record a get, update or delete addressed (its id in the path, or in the written body). */
  recordId?: number;
  status: number;
  durationMs: number;
}

/** Every request the emulator answered, so tests can count calls (and budgets) by what they did. */
export class RequestLog {
  private readonly items: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.items.push(entry);
  }

  entries(): readonly LoggedRequest[] {
    return [...this.items];
  }

  count(filter: Partial<Pick<LoggedRequest, 'method' | 'entity' | 'action' | 'status'>> = {}): number {
    return this.items.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.entity === undefined || e.entity?.toLowerCase() === filter.entity.toLowerCase()) &&
        (filter.action === undefined || e.action === filter.action) &&
        (filter.status === undefined || e.status === filter.status)
    ).length;
  }

  clear(): void {
    this.items.length = 0;
  }
}
