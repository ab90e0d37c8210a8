import { type EntityName } from './entities';
import { EmulatedFailure } from './fault';
import { type EntityRecord, type EntityStore } from './store';

/**
 * What people do in Autotask's own UI, as plain functions for tests and the sandbox demo: they
 * write straight into the emulator's data (no HTTP, no limits) and stamp change times like any
 * write, so the next poll sees them.
 */
export interface AppointmentInput {
  resourceID: number;
  title: string;
  description?: string;
  startDateTime: string;
  endDateTime: string;
}

export interface ToDoInput {
  companyID: number;
  actionType: number;
  assignedToResourceID: number;
  activityDescription?: string;
  startDateTime: string;
  endDateTime: string;
  contactID?: number;
  completedDate?: string;
}

export interface ServiceCallInput {
  companyID: number;
  description?: string;
  startDateTime: string;
  endDateTime: string;
  status?: number;
  tickets?: { title: string; ticketNumber?: string; resourceIDs?: number[] }[];
  tasks?: { title: string; taskNumber?: string; resourceIDs?: number[] }[];
}

export interface CreatedServiceCall {
  serviceCall: EntityRecord;
  tickets: EntityRecord[];
  tasks: EntityRecord[];
}

function unwrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    // Inside the emulator a refusal is an HTTP answer; for a test calling directly, a plain error.
    if (err instanceof EmulatedFailure) {
      throw new Error(`Autotask would refuse this: ${JSON.stringify(err.body)}`, { cause: err });
    }
    throw err;
  }
}

export function createUserSide(store: EntityStore) {
  const create = (entity: EntityName, input: object) => unwrap(() => store.create(entity, { ...input }));
  const update = (entity: EntityName, id: number, patch: object) =>
    unwrap(() => store.update(entity, id, { ...patch }));
  return {
    get: (entity: EntityName, id: number): EntityRecord | undefined => store.get(entity, id),
    list: (entity: EntityName): EntityRecord[] => store.all(entity),
    find: (entity: EntityName, matches: (record: Readonly<EntityRecord>) => boolean) => store.find(entity, matches),

    createResource: (input: {
      firstName: string;
      lastName: string;
      email?: string;
      email2?: string;
      email3?: string;
      userName?: string;
      isActive?: boolean;
    }) => create('Resources', { isActive: true, ...input }),
    createCompany: (input: {
      companyName: string;
      address1?: string;
      address2?: string;
      city?: string;
      state?: string;
      postalCode?: string;
      phone?: string;
    }) => create('Companies', { isActive: true, ...input }),
    createContact: (input: { companyID: number; firstName: string; lastName: string; emailAddress?: string }) =>
      create('Contacts', { isActive: 1, ...input }),
    createActionType: (input: { name: string; isActive?: boolean }) =>
      create('ActionTypes', { isActive: true, ...input }),

    createAppointment: (input: AppointmentInput) => create('Appointments', input),
    updateAppointment: (id: number, patch: Partial<AppointmentInput>) => update('Appointments', id, patch),
    deleteAppointment: (id: number): boolean => store.delete('Appointments', id),

    createToDo: (input: ToDoInput) => create('CompanyToDos', input),
    updateToDo: (id: number, patch: Partial<ToDoInput>) => update('CompanyToDos', id, patch),
    deleteToDo: (id: number): boolean => store.delete('CompanyToDos', id),

    /** A service call with its tickets and tasks, each with the resources who work on it. */
    createServiceCall: (input: ServiceCallInput): CreatedServiceCall => {
      const { tickets = [], tasks = [], ...fields } = input;
      const serviceCall = create('ServiceCalls', { isComplete: 0, ...fields });
      const callId = Number(serviceCall.id);
      const ticketRecords = tickets.map((t) => {
        const ticket = create('Tickets', { title: t.title, companyID: input.companyID, status: 1 });
        if (t.ticketNumber)
          unwrap(() => store.setReadOnly('Tickets', Number(ticket.id), 'ticketNumber', t.ticketNumber));
        const link = create('ServiceCallTickets', { serviceCallID: callId, ticketID: ticket.id });
        for (const resourceID of t.resourceIDs ?? [])
          create('ServiceCallTicketResources', { serviceCallTicketID: link.id, resourceID });
        return store.get('Tickets', Number(ticket.id)) ?? ticket;
      });
      const taskRecords = tasks.map((t) => {
        const task = create('Tasks', { title: t.title, status: 1 });
        if (t.taskNumber) unwrap(() => store.setReadOnly('Tasks', Number(task.id), 'taskNumber', t.taskNumber));
        const link = create('ServiceCallTasks', { serviceCallID: callId, taskID: task.id });
        for (const resourceID of t.resourceIDs ?? [])
          create('ServiceCallTaskResources', { serviceCallTaskID: link.id, resourceID });
        return store.get('Tasks', Number(task.id)) ?? task;
      });
      return { serviceCall, tickets: ticketRecords, tasks: taskRecords };
    },
    updateServiceCall: (
      id: number,
      patch: Partial<Omit<ServiceCallInput, 'tickets' | 'tasks'>> & { canceledDateTime?: string; isComplete?: number }
    ) => update('ServiceCalls', id, patch),
    deleteServiceCall: (id: number): boolean => store.delete('ServiceCalls', id),
  };
}

export type AutotaskUserSide = ReturnType<typeof createUserSide>;
