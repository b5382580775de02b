/**
 * The equation language of user-defined cells: one assignment per string, `name = expression`.
 *
 *   a  = sigmoid(W_a @ x + U_a @ h + b_a)
 *   hc = tanh(W_c @ x + U_c @ h + b_c)
 *   h' = a * h + (1 - a) * hc
 *
 * `x` is the step's input. The state is the set of names given a primed assignment (`h'`, optionally `c'`, …); the
 * unprimed name reads the previous step's value, the primed one (after its assignment) the new value; the head reads
 * `h`. Other names are intermediate vectors of the hidden size, usable after their assignment. Parameters by prefix:
 * `W_k` hidden × input (only as `W_k @ x`), `U_k` hidden × hidden (`U_k @ v`, v any hidden-size vector), `u_k` a
 * hidden-size vector used elementwise, `b_k` a hidden-size bias. `+ - * /` are elementwise, numbers are scalars,
 * functions `sigmoid tanh relu exp softplus`.
 *
 * Pure and dependency-free: the webview imports it (through the protocol) to render and check equations as you type.
 */

/** A problem at a place: equation number (1-based) and column (1-based, in the equation's own text). */
export interface EquationProblem {
  equation: number;
  column: number;
  message: string;
}

/** The functions the language knows. */
export const CELL_FUNCTIONS = ['sigmoid', 'tanh', 'relu', 'exp', 'softplus'] as const;
export type CellFunction = (typeof CELL_FUNCTIONS)[number];

/** A parameter's kind, from its prefix. */
export type ParamKind = 'W' | 'U' | 'u' | 'b';

/**
 * An expression. `col` is its own place (1-based): a name, number or function where it is written, an operator's
 * column for a binary expression; `start`, when set, where a parenthesised expression's "(" is.
 */
export type Expr = ExprNode & { start?: number };
type ExprNode =
  | { k: 'num'; value: number; col: number }
  | { k: 'name'; name: string; primed: boolean; col: number }
  | { k: 'call'; fn: CellFunction; arg: Expr; col: number }
  | { k: 'neg'; arg: Expr; col: number }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '@'; a: Expr; b: Expr; col: number };

/** Where an expression starts in its equation (1-based): its "(" when parenthesised, else its leftmost part. */
export function startColumn(e: Expr): number {
  if (e.start !== undefined) return e.start;
  return e.k === 'bin' ? startColumn(e.a) : e.col;
}

/** One equation: `target = expr` (`primed`: a new state value). */
export interface Assignment {
  /** 1-based. */
  equation: number;
  target: string;
  primed: boolean;
  expr: Expr;
  col: number;
}

/** A parameter of the cell: its name, kind and where it is first used. */
export interface CellParam {
  name: string;
  kind: ParamKind;
}

/** The checked cell: its equations, states (h first) and parameters (in order of first use), and warnings. */
export interface CellSpec {
  equations: string[];
  assignments: Assignment[];
  /** State names, `h` first, then the others in the order of their primed assignments. */
  states: string[];
  params: CellParam[];
  /** Intermediate names in assignment order. */
  intermediates: string[];
  warnings: EquationProblem[];
}

/** The equations do not make a cell; every problem found, each at its place. */
export class EquationError extends RangeError {
  constructor(readonly problems: EquationProblem[]) {
    super(problems.map(problemText).join('\n'));
    this.name = 'EquationError';
  }
}

/** A problem in words: `equation 2, column 7: …`. */
export function problemText(p: EquationProblem): string {
  return `equation ${p.equation}, column ${p.column}: ${p.message}`;
}

const PARAM_RE = /^([WUub])_[A-Za-z0-9_]+$/;

/** The kind of a parameter name (`W_a` → W), or null for other names. */
export function paramKind(name: string): ParamKind | null {
  const m = PARAM_RE.exec(name);
  return m ? (m[1] as ParamKind) : null;
}

type Token =
  | { t: 'num'; value: number; col: number }
  | { t: 'name'; name: string; primed: boolean; col: number }
  | { t: 'op'; op: string; col: number }
  | { t: 'end'; col: number };

class ParseError extends Error {
  constructor(readonly column: number, message: string) {
    super(message);
  }
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    const col = i + 1;
    if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j])) j++;
      const name = text.slice(i, j);
      let primed = false;
      if (text[j] === "'" || text[j] === '′') {
        primed = true;
        j++;
      }
      out.push({ t: 'name', name, primed, col });
      i = j;
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) throw new ParseError(col, `"${ch}" does not start a number`);
      const value = Number(m[0]);
      if (!Number.isFinite(value)) throw new ParseError(col, `${m[0]} is too large for a number (the largest is about 1.8e308)`);
      out.push({ t: 'num', value, col });
      i += m[0].length;
      continue;
    }
    if ('+-*/@()='.includes(ch)) {
      out.push({ t: 'op', op: ch, col });
      i++;
      continue;
    }
    if (ch === '·' || ch === '⊙' || ch === '×') {
      out.push({ t: 'op', op: '*', col });
      i++;
      continue;
    }
    if (ch === '−') {
      out.push({ t: 'op', op: '-', col });
      i++;
      continue;
    }
    const cp = String.fromCodePoint(text.codePointAt(i) as number);
    throw new ParseError(col, `unexpected character ${/^[\x20-\x7e]$/.test(cp) ? `"${cp}"` : `${JSON.stringify(cp)} (U+${(cp.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')})`}`);
  }
  out.push({ t: 'end', col: text.length + 1 });
  return out;
}

/** Parses one equation into an assignment; throws ParseError with the column. */
function parseLine(text: string, equation: number): Assignment {
  if (!text.trim()) throw new ParseError(1, 'empty equation: write name = expression');
  const toks = tokenize(text);
  let p = 0;
  const peek = (): Token => toks[p];
  const isOp = (op: string): boolean => {
    const tk = toks[p];
    return tk.t === 'op' && tk.op === op;
  };
  const describe = (tk: Token): string => (tk.t === 'end' ? 'the end of the equation' : tk.t === 'op' ? `"${tk.op}"` : tk.t === 'num' ? `the number ${tk.value}` : `"${tk.name}${tk.primed ? "'" : ''}"`);

  const target = peek();
  if (target.t !== 'name') throw new ParseError(target.col, `expected the name being assigned, found ${describe(target)}`);
  p++;
  if (!isOp('=')) throw new ParseError(peek().col, `expected "=" after "${target.name}${target.primed ? "'" : ''}", found ${describe(peek())}`);
  p++;

  const primary = (): Expr => {
    const tk = peek();
    if (tk.t === 'num') {
      p++;
      return { k: 'num', value: tk.value, col: tk.col };
    }
    if (tk.t === 'name') {
      p++;
      if (isOp('(')) {
        if (!(CELL_FUNCTIONS as readonly string[]).includes(tk.name)) {
          throw new ParseError(tk.col, `unknown function "${tk.name}" (the functions are ${CELL_FUNCTIONS.join(', ')})`);
        }
        p++;
        const arg = expr();
        if (!isOp(')')) throw new ParseError(peek().col, `expected ")" to close ${tk.name}(, found ${describe(peek())}`);
        p++;
        return { k: 'call', fn: tk.name as CellFunction, arg, col: tk.col };
      }
      if ((CELL_FUNCTIONS as readonly string[]).includes(tk.name)) throw new ParseError(tk.col, `${tk.name} is a function: write ${tk.name}(…)`);
      return { k: 'name', name: tk.name, primed: tk.primed, col: tk.col };
    }
    if (tk.t === 'op' && tk.op === '(') {
      p++;
      const e = expr();
      if (!isOp(')')) throw new ParseError(peek().col, `expected ")", found ${describe(peek())}`);
      p++;
      return { ...e, start: tk.col };
    }
    throw new ParseError(tk.col, `expected a name, a number or "(", found ${describe(tk)}`);
  };
  // precedence, loosest first: + −; * /; unary − +; @ (right-associative: U_a @ U_b @ h is U_a @ (U_b @ h))
  const matmul = (): Expr => {
    const a = primary();
    const tk = peek();
    if (tk.t === 'op' && tk.op === '@') {
      p++;
      const b = unaryOrMatmul();
      return { k: 'bin', op: '@', a, b, col: tk.col };
    }
    return a;
  };
  const unaryOrMatmul = (): Expr => {
    const tk = peek();
    if (tk.t === 'op' && tk.op === '-') {
      p++;
      return { k: 'neg', arg: unaryOrMatmul(), col: tk.col };
    }
    if (tk.t === 'op' && tk.op === '+') {
      p++;
      return unaryOrMatmul();
    }
    return matmul();
  };
  const term = (): Expr => {
    let a = unaryOrMatmul();
    for (;;) {
      const tk = peek();
      if (tk.t === 'op' && (tk.op === '*' || tk.op === '/')) {
        p++;
        const b = unaryOrMatmul();
        a = { k: 'bin', op: tk.op, a, b, col: tk.col };
      } else return a;
    }
  };
  function expr(): Expr {
    let a = term();
    for (;;) {
      const tk = peek();
      if (tk.t === 'op' && (tk.op === '+' || tk.op === '-')) {
        p++;
        const b = term();
        a = { k: 'bin', op: tk.op, a, b, col: tk.col };
      } else return a;
    }
  }
  const e = expr();
  if (peek().t !== 'end') throw new ParseError(peek().col, `unexpected ${describe(peek())}: one assignment per equation`);
  return { equation, target: target.name, primed: target.primed, expr: e, col: target.col };
}

/** The size of a value: the input's, the hidden size, or a scalar. */
type Size = 'input' | 'hidden' | 'scalar';

/**
 * Parses and checks the equations of a cell. Throws EquationError listing every problem (each equation is parsed
 * even after an earlier one failed); warnings (a parameter that does not influence h', a name never used) are returned.
 */
export function parseCell(equations: readonly string[]): CellSpec {
  const problems: EquationProblem[] = [];
  const warnings: EquationProblem[] = [];
  if (!Array.isArray(equations) || equations.length === 0) {
    throw new EquationError([{ equation: 1, column: 1, message: "no equations: a custom cell needs at least h' = …" }]);
  }
  const assignments: Assignment[] = [];
  equations.forEach((text, i) => {
    if (typeof text !== 'string') {
      problems.push({ equation: i + 1, column: 1, message: 'an equation must be a string' });
      return;
    }
    try {
      assignments.push(parseLine(text, i + 1));
    } catch (e) {
      if (e instanceof ParseError) problems.push({ equation: i + 1, column: e.column, message: e.message });
      else throw e;
    }
  });
  if (problems.length) throw new EquationError(problems);

  // states: names with a primed assignment
  const states: string[] = [];
  for (const a of assignments) if (a.primed && !states.includes(a.target)) states.push(a.target);
  if (!states.includes('h')) {
    problems.push({ equation: assignments.length, column: 1, message: "no equation assigns h': the head reads the new state h'" });
  } else {
    states.splice(states.indexOf('h'), 1);
    states.unshift('h');
  }

  const params: CellParam[] = [];
  /** How each parameter is used: 'x' (W @ x), 'hidden' (U @ v), 'elementwise'; the first use's place. */
  const uses = new Map<string, { use: 'x' | 'hidden' | 'elementwise'; equation: number; col: number }>();
  const assigned = new Map<string, number>(); // name (primed with ') → equation
  const intermediates: string[] = [];
  const used = new Set<string>();
  const key = (name: string, primed: boolean): string => (primed ? `${name}'` : name);

  const useParam = (name: string, use: 'x' | 'hidden' | 'elementwise', eq: number, col: number): void => {
    const kind = paramKind(name) as ParamKind;
    const before = uses.get(name);
    const words = { x: 'a matrix times x', hidden: 'a matrix times a hidden-size vector', elementwise: 'a vector, elementwise' };
    if (before && before.use !== use) {
      problems.push({ equation: eq, column: col, message: `${name} is used with two shapes: as ${words[before.use]} in equation ${before.equation}, and as ${words[use]} here` });
      return;
    }
    if (!before) {
      uses.set(name, { use, equation: eq, col });
      params.push({ name, kind });
    }
  };

  /** Checks an expression, returning its size (null after a problem). */
  const check = (e: Expr, eq: number): Size | null => {
    switch (e.k) {
      case 'num':
        return 'scalar';
      case 'name': {
        const kind = paramKind(e.name);
        if (kind) {
          if (e.primed) {
            problems.push({ equation: eq, column: e.col, message: `${e.name} is a parameter: it has no primed value` });
            return null;
          }
          if ((kind === 'W' || kind === 'U') && uses.has(e.name)) {
            useParam(e.name, 'elementwise', eq, e.col);
            return null;
          }
          if (kind === 'W' || kind === 'U') {
            problems.push({ equation: eq, column: e.col, message: kind === 'W' ? `${e.name} is a hidden × input matrix: write ${e.name} @ x` : `${e.name} is a hidden × hidden matrix: write ${e.name} @ v for a hidden-size vector v` });
            return null;
          }
          useParam(e.name, 'elementwise', eq, e.col);
          return 'hidden';
        }
        if (e.name === 'x') {
          if (e.primed) {
            problems.push({ equation: eq, column: e.col, message: "x is the step's input: it has no primed value" });
            return null;
          }
          problems.push({ equation: eq, column: e.col, message: "x has the input's size: use it through a W_ matrix, as W_k @ x" });
          return null;
        }
        const k = key(e.name, e.primed);
        if (e.primed) {
          if (!states.includes(e.name)) {
            problems.push({ equation: eq, column: e.col, message: `${k} is read but never assigned: a state needs an equation "${k} = …"` });
            return null;
          }
          if (!assigned.has(k)) {
            problems.push({ equation: eq, column: e.col, message: `${k} is read before its assignment (equation ${assignments.find((a) => a.primed && a.target === e.name)?.equation})` });
            return null;
          }
          used.add(k);
          return 'hidden';
        }
        if (states.includes(e.name)) {
          used.add(e.name);
          return 'hidden';
        }
        if (assigned.has(k)) {
          used.add(k);
          return 'hidden';
        }
        const later = assignments.find((a) => !a.primed && a.target === e.name);
        if (later) {
          problems.push({ equation: eq, column: e.col, message: `${e.name} is used before it is assigned (equation ${later.equation})` });
          return null;
        }
        problems.push({
          equation: eq, column: e.col,
          message: `unknown name "${e.name}" (the state is ${states.join(', ') || 'h'}; x is the input; parameters start with W_, U_, u_ or b_)`,
        });
        return null;
      }
      case 'call':
      case 'neg': {
        const s = check(e.arg, eq);
        return s;
      }
      case 'bin': {
        if (e.op === '@') {
          const left = e.a;
          const lk = left.k === 'name' ? paramKind(left.name) : null;
          if (left.k !== 'name' || (lk !== 'W' && lk !== 'U')) {
            problems.push({ equation: eq, column: e.col, message: '@ needs a W_ or U_ matrix on its left (W_k @ x, U_k @ v)' });
            check(e.b, eq);
            return null;
          }
          if (lk === 'W') {
            if (!(e.b.k === 'name' && e.b.name === 'x' && !e.b.primed)) {
              if (uses.has(left.name)) {
                useParam(left.name, 'hidden', eq, left.col);
                return null;
              }
              const s = e.b.k === 'name' && e.b.name === 'x' ? null : checkQuiet(e.b, eq);
              problems.push({ equation: eq, column: startColumn(e.b), message: `${left.name} is a hidden × input matrix: it multiplies x${s === 'hidden' ? ', not a hidden-size vector (use a U_ matrix for that)' : ''}` });
              return null;
            }
            useParam(left.name, 'x', eq, left.col);
            return 'hidden';
          }
          if (e.b.k === 'name' && e.b.name === 'x') {
            if (uses.has(left.name)) {
              useParam(left.name, 'x', eq, left.col);
              return null;
            }
            problems.push({ equation: eq, column: startColumn(e.b), message: `${left.name} is a hidden × hidden matrix: it multiplies a hidden-size vector, not x (use a W_ matrix for x)` });
            return null;
          }
          const s = check(e.b, eq);
          if (s === null) return null;
          if (s !== 'hidden') {
            problems.push({ equation: eq, column: startColumn(e.b), message: `${left.name} @ needs a hidden-size vector on its right, not a number` });
            return null;
          }
          useParam(left.name, 'hidden', eq, left.col);
          return 'hidden';
        }
        const sa = check(e.a, eq);
        const sb = check(e.b, eq);
        if (sa === null || sb === null) return null;
        return sa === 'scalar' && sb === 'scalar' ? 'scalar' : 'hidden';
      }
    }
  };
  /** Checks without recording problems (for the wording of another one). */
  const checkQuiet = (e: Expr, eq: number): Size | null => {
    const n = problems.length;
    const s = check(e, eq);
    problems.length = n;
    return s;
  };

  for (const a of assignments) {
    const k = key(a.target, a.primed);
    if (paramKind(a.target)) {
      problems.push({ equation: a.equation, column: a.col, message: `${a.target} is a parameter name (W_, U_, u_, b_): it cannot be assigned` });
      continue;
    }
    if (a.target === 'x' || (CELL_FUNCTIONS as readonly string[]).includes(a.target)) {
      problems.push({ equation: a.equation, column: a.col, message: `${a.target} cannot be assigned (${a.target === 'x' ? "it is the step's input" : 'it is a function'})` });
      continue;
    }
    const before = problems.length;
    const s = check(a.expr, a.equation);
    // one problem per equation: the first (the others often follow from it)
    if (problems.length > before + 1) problems.length = before + 1;
    if (problems.length > before) {
      assigned.set(k, assigned.get(k) ?? a.equation);
      if (!a.primed && !intermediates.includes(a.target)) intermediates.push(a.target);
      continue;
    }
    if (assigned.has(k)) {
      problems.push({ equation: a.equation, column: a.col, message: `${k} is assigned twice (first in equation ${assigned.get(k)})` });
      continue;
    }
    if (!a.primed && states.includes(a.target)) {
      problems.push({ equation: a.equation, column: a.col, message: `${a.target} is a state (${a.target}' is assigned): its previous value cannot be assigned; did you mean ${a.target}' = …?` });
      continue;
    }
    if (s === 'scalar') {
      problems.push({ equation: a.equation, column: a.col, message: `${k} is a single number: every assigned name is a hidden-size vector (add a b_ or u_ parameter, or a state)` });
    }
    assigned.set(k, a.equation);
    if (!a.primed) intermediates.push(a.target);
  }
  if (problems.length) throw new EquationError(problems);

  // what influences h' (through any number of steps): states reachable backwards from h
  const deps = new Map<string, Set<string>>(); // assigned key → names it reads (params, states, keys)
  const collect = (e: Expr, into: Set<string>): void => {
    if (e.k === 'name') into.add(paramKind(e.name) ? e.name : key(e.name, e.primed));
    else if (e.k === 'call' || e.k === 'neg') collect(e.arg, into);
    else if (e.k === 'bin') {
      collect(e.a, into);
      collect(e.b, into);
    }
  };
  for (const a of assignments) {
    const s = new Set<string>();
    collect(a.expr, s);
    deps.set(key(a.target, a.primed), s);
  }
  const live = new Set<string>();
  const visit = (k: string): void => {
    if (live.has(k)) return;
    live.add(k);
    for (const d of deps.get(k) ?? []) visit(d);
    // the previous value of a state is the new value of the step before
    if (states.includes(k)) visit(`${k}'`);
  };
  visit("h'");
  for (const p of params) {
    if (!live.has(p.name)) {
      const u = uses.get(p.name);
      warnings.push({ equation: u?.equation ?? 1, column: u?.col ?? 1, message: `${p.name} does not influence h': it will not learn` });
    }
  }
  for (const a of assignments) {
    const k = key(a.target, a.primed);
    if (!live.has(k)) warnings.push({ equation: a.equation, column: a.col, message: `${k} does not influence h'` });
  }
  return { equations: [...equations], assignments, states, params, intermediates, warnings };
}

/** Problems of the equations without throwing: errors and warnings (for the editor). */
export function checkCell(equations: readonly string[]): { errors: EquationProblem[]; warnings: EquationProblem[]; spec: CellSpec | null } {
  try {
    const spec = parseCell(equations);
    return { errors: [], warnings: spec.warnings, spec };
  } catch (e) {
    if (e instanceof EquationError) return { errors: e.problems, warnings: [], spec: null };
    throw e;
  }
}

// ---- TeX ----

const FN_TEX: Record<CellFunction, string> = {
  sigmoid: '\\sigma', tanh: '\\tanh', relu: '\\operatorname{relu}', exp: '\\exp', softplus: '\\operatorname{softplus}',
};

/** A name in TeX: `W_a` → W_{a}, `hc` → \mathit{hc}, a state with subscript t or t−1. */
function nameTex(name: string, primed: boolean, states: readonly string[]): string {
  const kind = paramKind(name);
  if (kind) {
    const sub = name.slice(2).replace(/_/g, '\\_');
    return `${kind}_{${sub}}`;
  }
  const greek = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'phi', 'chi', 'psi', 'omega'];
  let base: string;
  const m = /^([A-Za-z]+?)(\d*)$/.exec(name);
  if (greek.includes(name)) base = `\\${name}`;
  else if (/^[A-Za-z]$/.test(name)) base = name;
  else if (/^[A-Za-z]tilde$/.test(name)) base = `\\tilde{${name[0]}}`;
  else if (m && m[2] && m[1].length === 1) base = `${m[1]}_{${m[2]}}`;
  else base = `\\mathit{${name.replace(/_/g, '\\_')}}`;
  if (name === 'x') return 'x_t';
  if (states.includes(name)) return base.includes('_{') ? `${base}^{(t${primed ? '' : '-1'})}` : `${base}_{t${primed ? '' : '-1'}}`;
  return base.includes('_{') ? base : `${base}_t`;
}

/** A number in TeX: 1e-7 as 1 \times 10^{-7}. */
function numberTex(v: number): string {
  const t = String(v);
  const m = /^(-?[\d.]+)e([+-]?)(\d+)$/.exec(t);
  return m ? `${m[1]} \\times 10^{${m[2] === '-' ? '-' : ''}${m[3]}}` : t;
}

function exprTex(e: Expr, states: readonly string[], parent: Expr['k'] | '+' | '-' | '*' | '/' | '@' | null = null, right = false): string {
  switch (e.k) {
    case 'num':
      return numberTex(e.value);
    case 'name':
      return nameTex(e.name, e.primed, states);
    case 'call':
      return `${FN_TEX[e.fn]}\\left(${exprTex(e.arg, states)}\\right)`;
    case 'neg': {
      const s = `-${exprTex(e.arg, states, '*')}`;
      return parent === '*' || parent === '@' || parent === 'neg' || (parent === '+' && right) || (parent === '-' && right) ? `\\left(${s}\\right)` : s;
    }
    case 'bin': {
      if (e.op === '/') return `\\frac{${exprTex(e.a, states)}}{${exprTex(e.b, states)}}`;
      const a = exprTex(e.a, states, e.op, false);
      const b = exprTex(e.b, states, e.op, true);
      const scalarTimes = e.op === '*' && (e.a.k === 'num' || e.b.k === 'num');
      const bothNumbers = e.op === '*' && e.a.k === 'num' && e.b.k === 'num';
      const op = e.op === '+' ? ' + ' : e.op === '-' ? ' - ' : bothNumbers ? ' \\cdot ' : e.op === '@' || scalarTimes ? ' ' : ' \\odot ';
      const s = `${a}${op}${b}`;
      const additive = e.op === '+' || e.op === '-';
      const paren = (additive && (parent === '*' || parent === '@' || parent === 'neg' || (parent === '-' && right)))
        || (!additive && (parent === '@' || parent === 'neg'));
      return paren ? `\\left(${s}\\right)` : s;
    }
  }
}

/** One equation as TeX (`\alpha_t = \sigma(W_{a} x_t + …)`), given the cell's state names. */
export function assignmentTex(a: Assignment, states: readonly string[]): string {
  return `${nameTex(a.target, a.primed, states)} = ${exprTex(a.expr, states)}`;
}

/** Every equation of a checked cell as TeX. */
export function cellTex(spec: CellSpec): string[] {
  return spec.assignments.map((a) => assignmentTex(a, spec.states));
}

// ---- what the editor shows while you type ----

/** One equation as the editor shows it: its TeX when it parses on its own, else null. */
export interface PreviewLine {
  text: string;
  tex: string | null;
}

/** Everything the Model view's equation editor needs, for equations that may be incomplete. */
export interface CellPreview {
  lines: PreviewLine[];
  errors: EquationProblem[];
  warnings: EquationProblem[];
  /** From the equations that parse: the states (h first), intermediate names and parameters with their shapes. */
  states: string[];
  intermediates: string[];
  params: CellParam[];
  /** `s' = g * s + …`: the gate g (a name, or its TeX) whose product is the additive path through state s. */
  additive: { state: string; gate: string; gateTex: string } | null;
}

/** Whether an expression is a number (made of numbers only). */
function constant(e: Expr): boolean {
  if (e.k === 'num') return true;
  if (e.k === 'name') return false;
  if (e.k === 'bin') return constant(e.a) && constant(e.b);
  return constant(e.arg);
}

/** In the sum tree of an expression, a term g * s (either order) with s the previous value of `state`; returns g. */
function additiveTerm(e: Expr, state: string): Expr | null {
  if (e.k === 'bin' && e.op === '+') return additiveTerm(e.a, state) ?? additiveTerm(e.b, state);
  if (e.k === 'bin' && e.op === '-') return additiveTerm(e.a, state);
  if (e.k === 'bin' && e.op === '*') {
    // a gate that varies (a constant factor is not one; the engine folds it)
    const prev = (x: Expr): boolean => x.k === 'name' && x.name === state && !x.primed;
    if (prev(e.b) && !prev(e.a) && !constant(e.a)) return e.a;
    if (prev(e.a) && !prev(e.b) && !constant(e.b)) return e.b;
  }
  return null;
}

/** The equations as far as they go: TeX per line, every problem, and the cell's parts. Never throws. */
export function previewCell(equations: readonly string[]): CellPreview {
  const parsed: (Assignment | null)[] = equations.map((text, i) => {
    try {
      return parseLine(text, i + 1);
    } catch {
      return null;
    }
  });
  const states: string[] = [];
  for (const a of parsed) if (a?.primed && !states.includes(a.target)) states.push(a.target);
  if (states.includes('h')) {
    states.splice(states.indexOf('h'), 1);
    states.unshift('h');
  }
  const check = checkCell(equations);
  const lines = equations.map((text, i) => ({ text, tex: parsed[i] ? assignmentTex(parsed[i] as Assignment, states) : null }));
  const spec = check.spec;
  let additive: CellPreview['additive'] = null;
  for (const s of states) {
    const a = parsed.find((x) => x?.primed && x.target === s);
    const g = a ? additiveTerm(a.expr, s) : null;
    if (g) {
      additive = { state: s, gate: g.k === 'name' ? g.name : exprText(g), gateTex: exprTex(g, states) };
      break;
    }
  }
  return {
    lines, errors: check.errors, warnings: check.warnings,
    states, intermediates: spec?.intermediates ?? parsed.filter((a): a is Assignment => !!a && !a.primed).map((a) => a.target),
    params: spec?.params ?? [], additive,
  };
}

/** An expression back as text (for the additive gate when it is not a single name). */
function exprText(e: Expr): string {
  switch (e.k) {
    case 'num': return String(e.value);
    case 'name': return e.primed ? `${e.name}'` : e.name;
    case 'neg': return `-${exprText(e.arg)}`;
    case 'call': return `${e.fn}(${exprText(e.arg)})`;
    case 'bin': return `(${exprText(e.a)} ${e.op} ${exprText(e.b)})`;
  }
}
