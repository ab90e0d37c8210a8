import { matchToDoRule, type ToDoRule } from '../../src/domain/todo-rules';

describe('To-Do rules: which Outlook events become Autotask To-Dos', () => {
  const support: ToDoRule = { category: 'Support', companyId: 10, actionTypeId: 1 };
  const sales: ToDoRule = { category: 'Sales call', companyId: 20, actionTypeId: 2 };
  const rules = [support, sales];

  it('an event with a rule’s category falls under that rule', () => {
    expect(matchToDoRule(['Sales call'], rules)).toBe(sales);
  });

  it('categories compare without case or surrounding spaces', () => {
    expect(matchToDoRule(['  sUPPORT '], rules)).toBe(support);
    expect(matchToDoRule(['SALES CALL'], [{ ...sales, category: ' sales call' }])).toEqual({
      ...sales,
      category: ' sales call',
    });
  });

  it('the first matching rule in the admin’s order wins, whatever the order of the event’s categories', () => {
    expect(matchToDoRule(['Sales call', 'Support'], rules)).toBe(support);
    expect(matchToDoRule(['Support', 'Sales call'], [sales, support])).toBe(sales);
    const sameCategory: ToDoRule = { category: 'support', companyId: 99, actionTypeId: 9 };
    expect(matchToDoRule(['Support'], [support, sameCategory])).toBe(support);
  });

  it('no rule applies without a matching category, without categories, or without rules', () => {
    expect(matchToDoRule(['Personal'], rules)).toBeUndefined();
    expect(matchToDoRule(['Support call'], rules)).toBeUndefined();
    expect(matchToDoRule([], rules)).toBeUndefined();
    expect(matchToDoRule(['Support'], [])).toBeUndefined();
  });
});
