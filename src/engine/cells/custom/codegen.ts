/**
 * The elementwise part of a compiled cell fused into generated loops: the nodes between two U products (a segment)
 * become one loop over the batch rows and units per step, keeping intermediate values in locals, storing each value
 * once (backward needs it) and, backward, accumulating adjoints in locals before one write per operand. The
 * interpreter in ./layer.ts computes the same operations in the same order of evaluation; this only removes loop
 * and memory overhead. Generated once per program with `new Function` (plain JavaScript, no DOM or Node API).
 */
import type { CellProgram, ProgramNode } from './program';

/** Buffers a generated segment reads and writes (the CustomWork's). */
export interface SegmentBuffers {
  S: Float64Array[];
  tapes: Float64Array[];
  P: Float64Array;
  Q: Float64Array[];
  dP: Float64Array;
  dQ: Float64Array[];
  adj: Float64Array[];
  dSprev: Float64Array[];
}

type SegmentFn = (buf: SegmentBuffers, theta: Float64Array, grads: Float64Array | null, offsets: number[], t: number, B: number, m: number, lengths: Int32Array) => void;

/** Steps of one time step: a U product (group) to run first, then a fused elementwise segment. */
export interface Segment {
  /** The U group whose product precedes the segment, or null. */
  group: number | null;
  nodes: number[];
  forward: SegmentFn;
  backward: SegmentFn;
}

const SOFTPLUS_THRESHOLD = 20;

/** Splits the program at its U products and generates each segment's loops. */
export function segmentsOf(prog: CellProgram): Segment[] {
  const parts: { group: number | null; nodes: number[] }[] = [{ group: null, nodes: [] }];
  prog.nodes.forEach((n, i) => {
    if (n.op === 'ux' && n.slot === 0) parts.push({ group: n.group, nodes: [] });
    else if ('tape' in n) parts[parts.length - 1].nodes.push(i);
  });
  return parts.filter((p, k) => k === 0 || p.group !== null || p.nodes.length).map((p) => ({ ...p, forward: forwardFn(prog, p.nodes), backward: backwardFn(prog, p.nodes) }));
}

/** JavaScript for the value of node i at row b, unit k (a local when it is in the segment). */
function valueExpr(prog: CellProgram, i: number, inSegment: Set<number>): string {
  if (inSegment.has(i)) return `v${i}`;
  const n = prog.nodes[i];
  const s = prog.stateOut.indexOf(i);
  if (s >= 0) return `S${s}[tn + rb + k]`;
  switch (n.op) {
    case 'prev': return `S${n.state}[tc + rb + k]`;
    case 'wx': return `P[pw + b * wm + ${n.slot * 1} * m + k]`;
    case 'ux': return `Q${n.group}[q${n.group} + b * g${n.group} + ${n.slot} * m + k]`;
    case 'vec': return `theta[o${n.param} + k]`;
    default: return `T${n.tape}[tc + rb + k]`;
  }
}

/** JavaScript for the adjoint location of node i at row b, unit k (never a segment node). */
function adjointRef(prog: CellProgram, i: number): string | null {
  const n = prog.nodes[i];
  switch (n.op) {
    case 'prev': return `D${n.state}[rb + k]`;
    case 'wx': return `dP[pw + b * wm + ${n.slot} * m + k]`;
    case 'ux': return `dQ${n.group}[q${n.group} + b * g${n.group} + ${n.slot} * m + k]`;
    case 'vec': return `grads[o${n.param} + k]`;
    default: return `A${i}[rb + k]`;
  }
}

/** Where a segment node's value is stored. */
function storeRef(prog: CellProgram, i: number): string {
  const s = prog.stateOut.indexOf(i);
  const n = prog.nodes[i] as { tape: number };
  return s >= 0 ? `S${s}[tn + rb + k]` : `T${n.tape}[tc + rb + k]`;
}

/** A number as a JavaScript literal (−0 kept: String(-0) is "0"). */
function lit(c: number): string {
  return Object.is(c, -0) ? '(-0)' : `(${String(c)})`;
}

function forwardExpr(n: Extract<ProgramNode, { tape: number }>, a: string, b: string): string {
  const c = lit(n.c);
  switch (n.op) {
    case 'add': return `${a} + ${b}`;
    case 'sub': return `${a} - ${b}`;
    case 'mul': return `${a} * ${b}`;
    case 'div': return `${a} / ${b}`;
    case 'addc': return `${a} + ${c}`;
    case 'rsubc': return `${c} - ${a}`;
    case 'mulc': return `${a} * ${c}`;
    case 'divc': return `${a} / ${c}`;
    case 'rdivc': return `${c} / ${a}`;
    case 'neg': return `-${a}`;
    case 'copy': return a;
    case 'sigmoid': return `1 / (1 + Math.exp(-${a}))`;
    case 'tanh': return `Math.tanh(${a})`;
    case 'relu': return `(${a} > 0 ? ${a} : 0)`;
    case 'exp': return `Math.exp(${a})`;
    case 'softplus': return `(${a} > ${SOFTPLUS_THRESHOLD} ? ${a} : Math.log1p(Math.exp(${a})))`;
  }
}

/** Every buffer and offset a segment's code refers to, hoisted into locals. */
function prologue(prog: CellProgram): string[] {
  const lines = [
    'const tc = t * B * m, tn = (t + 1) * B * m;',
    `const wm = ${prog.wCount} * m, pw = t * B * wm;`,
    'const P = buf.P, dP = buf.dP;',
  ];
  prog.states.forEach((_, s) => lines.push(`const S${s} = buf.S[${s}], D${s} = buf.dSprev[${s}];`));
  prog.groups.forEach((g, gi) => lines.push(`const g${gi} = ${g.params.length} * m, q${gi} = t * B * g${gi}, Q${gi} = buf.Q[${gi}], dQ${gi} = buf.dQ[${gi}];`));
  prog.params.forEach((_, p) => lines.push(`const o${p} = offsets[${p}];`));
  prog.nodes.forEach((n, i) => {
    if ('tape' in n) lines.push(`const T${n.tape} = buf.tapes[${n.tape}], A${i} = buf.adj[${i}];`);
  });
  return lines;
}

function forwardFn(prog: CellProgram, nodes: number[]): SegmentFn {
  if (!nodes.length) return () => {};
  const inSeg = new Set(nodes);
  const body: string[] = [];
  for (const i of nodes) {
    const n = prog.nodes[i] as Extract<ProgramNode, { tape: number }>;
    const a = valueExpr(prog, n.a, inSeg);
    const b = n.b >= 0 ? valueExpr(prog, n.b, inSeg) : '';
    body.push(`const v${i} = ${forwardExpr(n, a, b)};`, `${storeRef(prog, i)} = v${i};`);
  }
  const src = [...prologue(prog), 'for (let b = 0; b < B; b++) {', '  const rb = b * m;', '  for (let k = 0; k < m; k++) {', ...body.map((l) => `    ${l}`), '  }', '}'].join('\n');
  return new Function('buf', 'theta', 'grads', 'offsets', 't', 'B', 'm', 'lengths', src) as SegmentFn;
}

function backwardFn(prog: CellProgram, nodes: number[]): SegmentFn {
  if (!nodes.length) return () => {};
  const inSeg = new Set(nodes);
  const body: string[] = [];
  // every segment node's adjoint starts from what later segments (and the state seeds) wrote to its array
  for (const i of nodes) body.push(`let g${i} = A${i}[rb + k];`);
  const add = (j: number, term: string): void => {
    if (inSeg.has(j)) body.push(`g${j} += ${term};`);
    else body.push(`${adjointRef(prog, j)} += ${term};`);
  };
  const sub = (j: number, term: string): void => {
    if (inSeg.has(j)) body.push(`g${j} -= ${term};`);
    else body.push(`${adjointRef(prog, j)} -= ${term};`);
  };
  for (const i of [...nodes].reverse()) {
    const n = prog.nodes[i] as Extract<ProgramNode, { tape: number }>;
    const g = `g${i}`;
    const v = `v${i}`;
    const a = valueExpr(prog, n.a, new Set());
    const bv = n.b >= 0 ? valueExpr(prog, n.b, new Set()) : '';
    const c = lit(n.c);
    const needsValue = ['sigmoid', 'tanh', 'exp'].includes(n.op);
    if (needsValue) body.push(`const ${v} = ${storeRef(prog, i)};`);
    switch (n.op) {
      case 'add': add(n.a, g); add(n.b, g); break;
      case 'sub': add(n.a, g); sub(n.b, g); break;
      case 'mul': add(n.a, `${g} * ${bv}`); add(n.b, `${g} * ${a}`); break;
      case 'div': body.push(`const y${i} = ${bv};`); add(n.a, `${g} / y${i}`); sub(n.b, `(${g} * ${a}) / (y${i} * y${i})`); break;
      case 'addc': case 'copy': add(n.a, g); break;
      case 'rsubc': case 'neg': sub(n.a, g); break;
      case 'mulc': add(n.a, `${g} * ${c}`); break;
      case 'divc': add(n.a, `${g} / ${c}`); break;
      case 'rdivc': body.push(`const x${i} = ${a};`); sub(n.a, `(${g} * ${c}) / (x${i} * x${i})`); break;
      case 'sigmoid': add(n.a, `${g} * ${v} * (1 - ${v})`); break;
      case 'tanh': add(n.a, `${g} * (1 - ${v} * ${v})`); break;
      case 'relu': body.push(`if (${a} > 0) {`); add(n.a, g); body.push('}'); break;
      case 'exp': add(n.a, `${g} * ${v}`); break;
      case 'softplus':
        body.push(`const x${i} = ${a};`, `let s${i};`, `if (x${i} > ${SOFTPLUS_THRESHOLD}) s${i} = ${g}; else { const z${i} = Math.exp(x${i}); s${i} = (${g} * z${i}) / (z${i} + 1); }`);
        add(n.a, `s${i}`);
        break;
    }
  }
  // rows whose sequence has ended get no gradient (their values may be anything: 0/0 on padded inputs)
  const src = [...prologue(prog), 'for (let b = 0; b < B; b++) {', '  if (t >= lengths[b]) continue;', '  const rb = b * m;', '  for (let k = 0; k < m; k++) {', ...body.map((l) => `    ${l}`), '  }', '}'].join('\n');
  return new Function('buf', 'theta', 'grads', 'offsets', 't', 'B', 'm', 'lengths', src) as SegmentFn;
}
