import { NetSuiteFault } from './errors';

/**
 * A parser for the SuiteQL subset calsync sends: SELECT <items> FROM <table> [WHERE <cond>]
 * [ORDER BY <items>], with ? parameters, string/number literals, comparisons, IN lists, IS [NOT]
 * NULL, AND/OR/NOT, parentheses, and TO_CHAR / TO_TIMESTAMP / TO_DATE / LOWER / UPPER.
 */
export type Expr =
  | { kind: 'column'; name: string }
  | { kind: 'param'; index: number }
  | { kind: 'literal'; value: string | number }
  | { kind: 'call'; fn: 'TO_CHAR' | 'TO_TIMESTAMP' | 'TO_DATE' | 'LOWER' | 'UPPER'; args: Expr[] };

export type Cond =
  | { kind: 'and' | 'or'; left: Cond; right: Cond }
  | { kind: 'not'; inner: Cond }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr }
  | { kind: 'in'; negated: boolean; left: Expr; list: Expr[] }
  | { kind: 'null'; negated: boolean; operand: Expr };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

export interface SelectStatement {
  items: SelectItem[];
  table: string;
  where?: Cond;
  orderBy: { expr: Expr; descending: boolean }[];
  paramCount: number;
}

type Token = { type: 'word' | 'string' | 'number' | 'symbol' | 'param'; text: string };

export function parseSuiteQl(sql: string): SelectStatement {
  return new Parser(tokenize(sql)).statement();
}

export const invalidQuery = (why: string) =>
  new NetSuiteFault(
    400,
    'INVALID_PARAMETER',
    `Invalid search query. Detailed unprocessed description follows. ${why}`,
    { 'o:errorQueryParam': 'q' }
  );

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let text = '';
      i += 1;
      for (;;) {
        if (i >= sql.length) throw invalidQuery('Unterminated string literal.');
        if (sql[i] === "'" && sql[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (sql[i] === "'") {
          i += 1;
          break;
        } else {
          text += sql[i];
          i += 1;
        }
      }
      tokens.push({ type: 'string', text });
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(sql.slice(i))![0];
      tokens.push({ type: 'word', text: match });
      i += match.length;
    } else if (/\d/.test(c)) {
      const match = /^\d+(\.\d+)?/.exec(sql.slice(i))![0];
      tokens.push({ type: 'number', text: match });
      i += match.length;
    } else if (c === '?') {
      tokens.push({ type: 'param', text: '?' });
      i += 1;
    } else {
      const two = sql.slice(i, i + 2);
      if (['<=', '>=', '<>', '!='].includes(two)) {
        tokens.push({ type: 'symbol', text: two === '!=' ? '<>' : two });
        i += 2;
      } else if ('(),=<>*'.includes(c)) {
        tokens.push({ type: 'symbol', text: c });
        i += 1;
      } else {
        throw invalidQuery(`Unexpected character '${c}'.`);
      }
    }
  }
  return tokens;
}

const FUNCTIONS = new Set(['TO_CHAR', 'TO_TIMESTAMP', 'TO_DATE', 'LOWER', 'UPPER']);
const KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'ORDER',
  'BY',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS',
  'NULL',
  'AS',
  'ASC',
  'DESC',
]);

class Parser {
  private pos = 0;
  private params = 0;
  constructor(private readonly tokens: Token[]) {}

  statement(): SelectStatement {
    this.keyword('SELECT');
    const items = [this.selectItem()];
    while (this.acceptSymbol(',')) items.push(this.selectItem());
    this.keyword('FROM');
    const table = this.identifier().toLowerCase();
    let where: Cond | undefined;
    if (this.acceptKeyword('WHERE')) where = this.orCond();
    const orderBy: SelectStatement['orderBy'] = [];
    if (this.acceptKeyword('ORDER')) {
      this.keyword('BY');
      do {
        const expr = this.expr();
        const descending = this.acceptKeyword('DESC');
        if (!descending) this.acceptKeyword('ASC');
        orderBy.push({ expr, descending });
      } while (this.acceptSymbol(','));
    }
    if (this.pos < this.tokens.length) throw invalidQuery(`Unexpected '${this.tokens[this.pos]!.text}'.`);
    return { items, table, where, orderBy, paramCount: this.params };
  }

  private selectItem(): SelectItem {
    const expr = this.expr();
    if (this.acceptKeyword('AS')) return { expr, alias: this.identifier().toLowerCase() };
    const next = this.peek();
    if (next?.type === 'word' && !KEYWORDS.has(next.text.toUpperCase()))
      return { expr, alias: this.identifier().toLowerCase() };
    return { expr };
  }

  private orCond(): Cond {
    let left = this.andCond();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.andCond() };
    return left;
  }

  private andCond(): Cond {
    let left = this.notCond();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.notCond() };
    return left;
  }

  private notCond(): Cond {
    if (this.acceptKeyword('NOT')) return { kind: 'not', inner: this.notCond() };
    if (this.peek()?.text === '(') {
      this.pos += 1;
      const inner = this.orCond();
      this.symbol(')');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Cond {
    const left = this.expr();
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      this.keyword('NULL');
      return { kind: 'null', negated, operand: left };
    }
    const negated = this.acceptKeyword('NOT');
    if (this.acceptKeyword('IN')) {
      this.symbol('(');
      const list = [this.expr()];
      while (this.acceptSymbol(',')) list.push(this.expr());
      this.symbol(')');
      return { kind: 'in', negated, left, list };
    }
    if (negated) throw invalidQuery('Expected IN after NOT.');
    const op = this.next();
    if (op.type !== 'symbol' || !['=', '<>', '<', '<=', '>', '>='].includes(op.text))
      throw invalidQuery(`Expected a comparison, found '${op.text}'.`);
    return { kind: 'compare', op: op.text as '=' | '<>' | '<' | '<=' | '>' | '>=', left, right: this.expr() };
  }

  private expr(): Expr {
    const token = this.next();
    if (token.type === 'param') return { kind: 'param', index: this.params++ };
    if (token.type === 'string') return { kind: 'literal', value: token.text };
    if (token.type === 'number') return { kind: 'literal', value: Number(token.text) };
    if (token.type === 'word') {
      const upper = token.text.toUpperCase();
      if (FUNCTIONS.has(upper) && this.peek()?.text === '(') {
        this.pos += 1;
        const args = [this.expr()];
        while (this.acceptSymbol(',')) args.push(this.expr());
        this.symbol(')');
        return { kind: 'call', fn: upper as Extract<Expr, { kind: 'call' }>['fn'], args };
      }
      if (KEYWORDS.has(upper)) throw invalidQuery(`Unexpected keyword ${upper}.`);
      return { kind: 'column', name: token.text.toLowerCase() };
    }
    throw invalidQuery(`Unexpected '${token.text}'.`);
  }

  private identifier(): string {
    const token = this.next();
    if (token.type !== 'word' || KEYWORDS.has(token.text.toUpperCase()))
      throw invalidQuery(`Expected a name, found '${token.text}'.`);
    return token.text;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (!token) throw invalidQuery('Unexpected end of query.');
    this.pos += 1;
    return token;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) throw invalidQuery(`Expected ${word}.`);
  }

  private acceptKeyword(word: string): boolean {
    const token = this.peek();
    if (token?.type === 'word' && token.text.toUpperCase() === word) {
      this.pos += 1;
      return true;
    }
    return false;
  }

  private symbol(text: string): void {
    if (!this.acceptSymbol(text)) throw invalidQuery(`Expected '${text}'.`);
  }

  private acceptSymbol(text: string): boolean {
    if (this.peek()?.type === 'symbol' && this.peek()?.text === text) {
      this.pos += 1;
      return true;
    }
    return false;
  }
}
