/** The Autotask connector: what the engine and activities import. */
export { AutotaskClient } from './autotask-client';
export type {
  AutotaskClientOptions,
  AppointmentPatch,
  DeleteResult,
  NewAppointment,
  NewToDo,
  ToDoPatch,
} from './autotask-client';
export type { AutotaskCredentials } from './transport';
export { AutotaskErrorCode, isAutotaskError } from './errors';
export {
  ChangeFeed,
  advanceCursor,
  changeFilter,
  initialCursor,
  CHANGE_FIELDS,
  DEFAULT_OVERLAP_MS,
} from './change-feed';
export type { ChangeCursor, ChangeEntity, SyncWindow } from './change-feed';
export { findOrCreateAppointment, findOrCreateToDo, findOurAppointment } from './idempotent-create';
export type { AppointmentIntent, CreateOutcome, ToDoIntent } from './idempotent-create';
export { loadServiceCallDetails } from './service-call-details';
export type { ServiceCallDetails, ServiceCallWork } from './service-call-details';
export { itemRef, occurrenceRef, parseRef, stripMarker, withMarker } from './marker';
export type { MarkerRef } from './marker';
export * from './mapping';
export { ALL_ROWS, where, toQueryBody, MAX_RECORDS } from './query';
export type { AutotaskEntity, Filter, QueryRequest } from './query';
export { autotaskGateKey, autotaskBudgetScope } from './gate-keys';
export { registerAutotaskBudgetGauge, BUDGET_METRIC_NAME } from './budget-metric';
export type * from './models';
