/**
 * Which Outlook events become Autotask To-Dos rather than Appointments (DESIGN.md §2): the admin's
 * rules map an Outlook category to the To-Do's company and action type (`autotask.todoRules` of
 * the effective policy, src/store/policy.ts). Pure: the Autotask adapter asks it per create.
 */
export interface ToDoRule {
  readonly category: string;
  readonly companyId: number;
  readonly actionTypeId: number;
}

const normalized = (category: string): string => category.trim().toLowerCase();

/**
 * The rule an event with these categories falls under: the first rule (in the admin's order)
 * whose category it carries, compared without case or surrounding spaces as Outlook shows them;
 * undefined when none applies (the event stays an Appointment).
 */
export function matchToDoRule(categories: readonly string[], rules: readonly ToDoRule[]): ToDoRule | undefined {
  const carried = new Set(categories.map(normalized));
  return rules.find((rule) => carried.has(normalized(rule.category)));
}
