/** The pure sync core: safe to import from workflows (no I/O, no Node built-ins, deterministic). */
export * from './canonical-event';
export * from './time-zones';
export * from './all-day';
export * from './recurrence';
export * from './access-level';
export * from './projection';
export * from './policy';
export * from './link';
export * from './field-rules';
export * from './plan-action';
export * from './plan';
export * from './series-plan';
export * from './mass-delete-guard';
export * from './identity';
