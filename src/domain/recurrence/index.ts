export * from './rrule-body';
export * from './series-anchor';
export * from './occurrence-key';
export * from './until';
export * from './expand';
export * from './graph-recurrence';
export * from './netsuite-recurrence';
