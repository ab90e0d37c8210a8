import { type AutotaskClient } from './autotask-client';
import {
  companySchema,
  resourceSchema,
  serviceCallTaskResourceSchema,
  serviceCallTaskSchema,
  serviceCallTicketResourceSchema,
  serviceCallTicketSchema,
  taskSchema,
  ticketSchema,
  type Company,
  type Resource,
  type ServiceCall,
} from './models';

export interface ServiceCallWork {
  kind: 'ticket' | 'task';
  id: number;
  /** Ticket number (e.g. T20240501.0003) or task number; empty when Autotask sent none. */
  number: string;
  title: string;
  resourceIDs: number[];
}

/** A service call with what the Outlook copy shows: its company, tickets, tasks and their people. */
export interface ServiceCallDetails {
  call: ServiceCall;
  company: Company | null;
  work: ServiceCallWork[];
  /** The ticket and task resources: the people the service call is for. */
  resources: Resource[];
}

/**
 * Loads the children of many service calls at once: a fixed number of queries per batch (link
 * tables, tickets, tasks, their resources, companies), not per call, to spare the hourly budget.
 */
export async function loadServiceCallDetails(
  client: AutotaskClient,
  calls: readonly ServiceCall[]
): Promise<ServiceCallDetails[]> {
  if (calls.length === 0) return [];
  const callIds = calls.map((c) => c.id);
  const [ticketLinks, taskLinks] = await Promise.all([
    client.getByIds('ServiceCallTickets', serviceCallTicketSchema, callIds, 'serviceCallID'),
    client.getByIds('ServiceCallTasks', serviceCallTaskSchema, callIds, 'serviceCallID'),
  ]);
  const [tickets, tasks, ticketResources, taskResources, companies] = await Promise.all([
    ids(
      ticketLinks.map((l) => l.ticketID),
      (v) => client.getByIds('Tickets', ticketSchema, v)
    ),
    ids(
      taskLinks.map((l) => l.taskID),
      (v) => client.getByIds('Tasks', taskSchema, v)
    ),
    ids(
      ticketLinks.map((l) => l.id),
      (v) => client.getByIds('ServiceCallTicketResources', serviceCallTicketResourceSchema, v, 'serviceCallTicketID')
    ),
    ids(
      taskLinks.map((l) => l.id),
      (v) => client.getByIds('ServiceCallTaskResources', serviceCallTaskResourceSchema, v, 'serviceCallTaskID')
    ),
    ids(
      calls.map((c) => c.companyID),
      (v) => client.getByIds('Companies', companySchema, v)
    ),
  ]);
  const people = await ids(
    [...ticketResources, ...taskResources].map((r) => r.resourceID),
    (v) => client.getByIds('Resources', resourceSchema, v)
  );

  const ticketById = new Map(tickets.map((t) => [t.id, t]));
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const companyById = new Map(companies.map((c) => [c.id, c]));
  const personById = new Map(people.map((p) => [p.id, p]));

  return calls.map((call) => {
    const work: ServiceCallWork[] = [
      ...ticketLinks
        .filter((l) => l.serviceCallID === call.id)
        .map((l): ServiceCallWork => {
          const ticket = ticketById.get(l.ticketID);
          const resourceIDs = ticketResources.filter((r) => r.serviceCallTicketID === l.id).map((r) => r.resourceID);
          return {
            kind: 'ticket',
            id: l.ticketID,
            number: ticket?.ticketNumber ?? '',
            title: ticket?.title ?? '',
            resourceIDs,
          };
        }),
      ...taskLinks
        .filter((l) => l.serviceCallID === call.id)
        .map((l): ServiceCallWork => {
          const task = taskById.get(l.taskID);
          const resourceIDs = taskResources.filter((r) => r.serviceCallTaskID === l.id).map((r) => r.resourceID);
          return { kind: 'task', id: l.taskID, number: task?.taskNumber ?? '', title: task?.title ?? '', resourceIDs };
        }),
    ];
    const resourceIds = [...new Set(work.flatMap((w) => w.resourceIDs))];
    const resources = resourceIds.map((rid) => personById.get(rid)).filter((r): r is Resource => r !== undefined);
    return { call, company: companyById.get(call.companyID) ?? null, work, resources };
  });
}

async function ids<T>(values: readonly number[], load: (ids: number[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(values)];
  return unique.length === 0 ? [] : load(unique);
}
