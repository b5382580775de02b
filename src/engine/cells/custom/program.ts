/**
 * A user-defined cell compiled once into an expression graph with a planned buffer layout, and run over whole layers:
 * forward over a masked batch, backpropagation through time, and the exact one-step Jacobian ∂s_t/∂s_{t−1} by
 * forward-mode differentiation of the same graph.
 *
 * Every value is a [B, m] block per step that lives at (buffer, offset, row stride): node tapes [T, B, m]; the states
 * [T+1, B, m]; every `W_k @ x` is a column block of one product X·[W_1; …; W_n]ᵀ for all steps at once; every
 * `U_k @ v` of the same v is a column block of one product per step (their U's are laid out next to each other);
 * a `u_k`/`b_k` parameter is read in place with row stride 0. Nothing is allocated per step.
 */
import { paramKind, parseCell, type CellFunction, type CellParam, type CellSpec, type Expr } from './language';

/** Elementwise operations. `c` is a scalar operand folded from the equations. */
type ElementOp = 'add' | 'sub' | 'mul' | 'div' | 'addc' | 'rsubc' | 'mulc' | 'divc' | 'rdivc' | 'neg' | 'copy' | CellFunction;

/** One node of the graph. */
export type ProgramNode =
  | { op: 'prev'; state: number; dyn: true }
  | { op: 'wx'; param: number; slot: number; dyn: false }
  | { op: 'ux'; param: number; arg: number; group: number; slot: number; dyn: boolean }
  | { op: 'vec'; param: number; dyn: false }
  | { op: ElementOp; a: number; b: number; c: number; tape: number; dyn: boolean };

/** U products of one operand, computed together: their U's are contiguous in θ. */
export interface UGroup {
  arg: number;
  params: number[];
  members: number[];
}

/** A compiled cell: states, parameters in layout order, nodes in evaluation order. */
export interface CellProgram {
  spec: CellSpec;
  states: string[];
  /** Parameters in the order they are laid out in θ: the W's, then the U's group by group, then u's and b's. */
  params: CellParam[];
  nodes: ProgramNode[];
  /** The node holding each state's new value (its location is the state buffer at t+1). */
  stateOut: number[];
  /** W parameters: their indices in `params` (they come first and form one [nW·m, d] block). */
  wCount: number;
  groups: UGroup[];
  /** Nodes with a tape of their own. */
  tapes: number;
  /** Which intermediate (or state) name each node computes, for display. */
  names: (string | null)[];
}

const SCALAR = -1;

/** Compiles checked equations (throws EquationError when they are wrong). */
export function compileCell(equations: readonly string[]): CellProgram {
  const spec = parseCell(equations);
  const states = spec.states;
  const nodes: ProgramNode[] = [];
  const names: (string | null)[] = [];
  const paramIndex = new Map<string, number>();
  const usedParams: CellParam[] = [];
  const paramOf = (name: string): number => {
    let i = paramIndex.get(name);
    if (i === undefined) {
      i = usedParams.length;
      usedParams.push(spec.params.find((p) => p.name === name) as CellParam);
      paramIndex.set(name, i);
    }
    return i;
  };
  const memo = new Map<string, number>();
  const add = (node: ProgramNode, key: string | null): number => {
    if (key !== null) {
      const found = memo.get(key);
      if (found !== undefined) return found;
    }
    nodes.push(node);
    names.push(null);
    if (key !== null) memo.set(key, nodes.length - 1);
    return nodes.length - 1;
  };
  const dynOf = (i: number): boolean => i !== SCALAR && nodes[i].dyn;
  const env = new Map<string, number>(); // name or name' → node
  const prevNode = (s: number): number => add({ op: 'prev', state: s, dyn: true }, `prev:${s}`);
  let tapes = 0;
  const elem = (op: ElementOp, a: number, b: number, c: number): number => add({ op, a, b, c, tape: tapes++, dyn: dynOf(a) || dynOf(b) }, null);

  /** Compiles an expression: a node index, or a folded scalar. */
  const compile = (e: Expr): { node: number } | { scalar: number } => {
    switch (e.k) {
      case 'num':
        return { scalar: e.value };
      case 'name': {
        if (paramKind(e.name) === 'u' || paramKind(e.name) === 'b') return { node: add({ op: 'vec', param: paramOf(e.name), dyn: false }, `vec:${e.name}`) };
        const key = e.primed ? `${e.name}'` : e.name;
        const bound = env.get(key);
        if (bound !== undefined) return { node: bound };
        return { node: prevNode(states.indexOf(e.name)) };
      }
      case 'neg': {
        const a = compile(e.arg);
        return 'scalar' in a ? { scalar: -a.scalar } : { node: elem('neg', a.node, SCALAR, 0) };
      }
      case 'call': {
        const a = compile(e.arg);
        if ('scalar' in a) return { scalar: applyFn(e.fn, a.scalar) };
        return { node: elem(e.fn, a.node, SCALAR, 0) };
      }
      case 'bin': {
        if (e.op === '@') {
          const name = (e.a as { name: string }).name;
          if (paramKind(name) === 'W') return { node: add({ op: 'wx', param: paramOf(name), slot: -1, dyn: false }, `wx:${name}`) };
          let arg = (compile(e.b) as { node: number }).node;
          // the operand of a product must be contiguous rows (a tape or a state), not a block of another product or a parameter
          const an = nodes[arg];
          if (an.op === 'wx' || an.op === 'ux' || an.op === 'vec') arg = add({ op: 'copy', a: arg, b: SCALAR, c: 0, tape: tapes++, dyn: an.dyn }, `copy:${arg}`);
          return { node: add({ op: 'ux', param: paramOf(name), arg, group: -1, slot: -1, dyn: dynOf(arg) }, `ux:${name}:${arg}`) };
        }
        const a = compile(e.a);
        const b = compile(e.b);
        if ('scalar' in a && 'scalar' in b) return { scalar: applyOp(e.op, a.scalar, b.scalar) };
        if ('scalar' in b) {
          const an = (a as { node: number }).node;
          if (e.op === '+') return { node: elem('addc', an, SCALAR, b.scalar) };
          if (e.op === '-') return { node: elem('addc', an, SCALAR, -b.scalar) };
          if (e.op === '*') return { node: elem('mulc', an, SCALAR, b.scalar) };
          return { node: elem('divc', an, SCALAR, b.scalar) };
        }
        if ('scalar' in a) {
          const bn = b.node;
          if (e.op === '+') return { node: elem('addc', bn, SCALAR, a.scalar) };
          if (e.op === '-') return { node: elem('rsubc', bn, SCALAR, a.scalar) };
          if (e.op === '*') return { node: elem('mulc', bn, SCALAR, a.scalar) };
          return { node: elem('rdivc', bn, SCALAR, a.scalar) };
        }
        const op = e.op === '+' ? 'add' : e.op === '-' ? 'sub' : e.op === '*' ? 'mul' : 'div';
        return { node: elem(op, a.node, b.node, 0) };
      }
    }
  };

  const stateOut: number[] = new Array(states.length).fill(-1);
  for (const a of spec.assignments) {
    const r = compile(a.expr);
    let node = (r as { node: number }).node;
    if (a.primed) {
      const s = states.indexOf(a.target);
      // a state's new value is written into the state buffer: it needs a node of its own
      const n = nodes[node];
      if (!('tape' in n) || stateOut.includes(node)) node = elem('copy', node, SCALAR, 0);
      stateOut[s] = node;
      env.set(`${a.target}'`, node);
    } else env.set(a.target, node);
    if (names[node] === null) names[node] = a.primed ? `${a.target}'` : a.target;
  }

  // layout: W's, then U's by group, then the vectors
  const order: number[] = [];
  const wParams = usedParams.map((p, i) => (p.kind === 'W' ? i : -1)).filter((i) => i >= 0);
  order.push(...wParams);
  const groups: UGroup[] = [];
  const placed = new Set<number>();
  const byArg = new Map<number, number[]>();
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (n.op === 'ux') byArg.set(n.arg, [...(byArg.get(n.arg) ?? []), i]);
  }
  for (const [arg, members] of byArg) {
    const fresh = members.filter((i) => !placed.has((nodes[i] as { param: number }).param));
    const params = fresh.map((i) => (nodes[i] as { param: number }).param);
    const distinct = new Set(params).size === params.length;
    if (fresh.length === members.length && distinct) {
      groups.push({ arg, params, members });
      for (const p of params) {
        placed.add(p);
        order.push(p);
      }
    } else {
      for (const i of members) {
        const p = (nodes[i] as { param: number }).param;
        if (!placed.has(p)) {
          placed.add(p);
          order.push(p);
        }
        groups.push({ arg, params: [p], members: [i] });
      }
    }
  }
  for (let i = 0; i < usedParams.length; i++) if (usedParams[i].kind === 'u' || usedParams[i].kind === 'b') order.push(i);
  // renumber parameters into layout order
  const newIndex = new Map<number, number>();
  order.forEach((old, k) => newIndex.set(old, k));
  for (const n of nodes) if ('param' in n) n.param = newIndex.get(n.param) as number;
  for (const g of groups) g.params = g.params.map((p) => newIndex.get(p) as number);
  groups.forEach((g, gi) => g.members.forEach((mbr, slot) => Object.assign(nodes[mbr], { group: gi, slot })));
  nodes.forEach((n) => {
    if (n.op === 'wx') n.slot = n.param; // W's are the first parameters, in layout order
  });
  const params = order.map((i) => usedParams[i]);
  return { spec, states, params, nodes, stateOut, wCount: wParams.length, groups, tapes, names };
}

function applyFn(fn: CellFunction, x: number): number {
  switch (fn) {
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'relu': return x > 0 ? x : 0;
    case 'exp': return Math.exp(x);
    case 'softplus': return x > 20 ? x : Math.log1p(Math.exp(x));
  }
}

function applyOp(op: '+' | '-' | '*' | '/', a: number, b: number): number {
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
}
