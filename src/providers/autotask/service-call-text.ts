import { type Company } from './models';
import { type ServiceCallDetails } from './service-call-details';

/** The wording of a Service Call's Outlook copy, as the Autotask Outlook integration shows it. */
export const SERVICE_CALL_SUBJECT_PREFIX = 'Service Call: ';
export const SERVICE_CALL_DESCRIPTION_PREFIX = 'Service Call Description:';
export const SERVICE_CALL_NOT_RETURNED_NOTE = 'Changes made in Outlook are not returned to Autotask.';

export function serviceCallSubject(companyName: string): string {
  return `${SERVICE_CALL_SUBJECT_PREFIX}${companyName}`;
}

/** "Service Call Description:" and the call's own text, its tickets and tasks, then the one-way note. */
export function serviceCallDescription(details: ServiceCallDetails): string {
  const lines = [`${SERVICE_CALL_DESCRIPTION_PREFIX} ${details.call.description}`.trimEnd()];
  const tickets = details.work.filter((w) => w.kind === 'ticket');
  const tasks = details.work.filter((w) => w.kind === 'task');
  if (tickets.length > 0) lines.push('', 'Tickets:', ...tickets.map((t) => `- ${workLine(t.number, t.title)}`));
  if (tasks.length > 0) lines.push('', 'Tasks:', ...tasks.map((t) => `- ${workLine(t.number, t.title)}`));
  lines.push('', SERVICE_CALL_NOT_RETURNED_NOTE);
  return lines.join('\n');
}

function workLine(number: string, title: string): string {
  return [number, title].filter((s) => s.trim() !== '').join(' ') || '(untitled)';
}

/** The company's street address on one line, e.g. "1 Main St, Suite 2, Springfield, IL 62701". */
export function companyAddress(company: Company | null): string {
  if (!company) return '';
  const clean = (v: string | null | undefined) => (v ?? '').trim();
  const region = [clean(company.state), clean(company.postalCode)].filter(Boolean).join(' ');
  return [clean(company.address1), clean(company.address2), clean(company.city), region].filter(Boolean).join(', ');
}
