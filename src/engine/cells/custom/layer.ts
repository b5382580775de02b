/**
 * Running a compiled cell (./program.ts) over one layer: the buffers, the forward pass over a masked batch,
 * backpropagation through time with every parameter's gradient, and the one-step Jacobian by forward-mode
 * differentiation of the graph. Rows whose sequence has ended carry every state unchanged and get no gradient.
 */
import { gemmNT, gemmPrepared, gemmTN, prepareRight, transpose } from '../../linalg';
import type { LayerWork } from '../../workspace';
import { takeStepGradient } from '../../stepGradient';
import type { CellProgram, ProgramNode } from './program';
import { segmentsOf, type Segment } from './codegen';

/** Generated (fused) loops per program, or null where code cannot be generated (then the interpreter runs). */
const SEGMENTS = new WeakMap<CellProgram, Segment[] | null>();
let codegen = true;

/** Turns the generated loops off (true: on, the default); the interpreter computes the same values. For tests. */
export function setCustomCodegen(on: boolean): void {
  codegen = on;
}

function segments(prog: CellProgram): Segment[] | null {
  if (!codegen) return null;
  if (!SEGMENTS.has(prog)) {
    try {
      SEGMENTS.set(prog, segmentsOf(prog));
    } catch {
      SEGMENTS.set(prog, null); // no code generation here (a host that forbids it): interpret
    }
  }
  return SEGMENTS.get(prog) ?? null;
}

/** The buffers of one custom layer for a batch shape (T, B). */
export interface CustomWork {
  prog: CellProgram;
  /** States [T+1, B, m]; S[0] is the layer's h. */
  S: Float64Array[];
  /** One tape [T, B, m] per elementwise node. */
  tapes: Float64Array[];
  /** X·[W_1; …]ᵀ for all steps, [T·B, nW·m], and its adjoint. */
  P: Float64Array;
  dP: Float64Array;
  /** Per U group: its products per step [T·B, g·m], and their adjoints. */
  Q: Float64Array[];
  dQ: Float64Array[];
  /** Per node: its adjoint at the current step, [B, m] (nodes whose adjoint lives elsewhere: empty). */
  adj: Float64Array[];
  /** Running ∂L/∂s for each state at t+1 and t, [B, m]. */
  dS: Float64Array[];
  dSprev: Float64Array[];
  /** Masked rows' state adjoints, [S, B, m]. */
  saved: Float64Array;
  /** Transposed W block [d, nW·m] and U blocks [m, g·m]. */
  WT: Float64Array;
  UT: Float64Array[];
  /** θ offsets of the parameters (layout order) of this layer, set by the forward pass. */
  offsets: number[];
  /** Forward-mode tangents per node for the Jacobian, [m, n] (allocated on first use). */
  tangents: (Float64Array | null)[];
}

/** Allocates a custom layer's buffers. `h` is the layer's state buffer for h ([T+1, B, m]). */
export function createCustomWork(prog: CellProgram, T: number, B: number, d: number, m: number, h: Float64Array): CustomWork {
  const TB = T * B;
  const nW = prog.wCount;
  const S = prog.states.map((_, i) => (i === 0 ? h : new Float64Array((T + 1) * B * m)));
  const adjoinElsewhere = (n: ProgramNode): boolean => n.op === 'prev' || n.op === 'wx' || n.op === 'ux';
  return {
    prog, S,
    tapes: Array.from({ length: prog.tapes }, () => new Float64Array(TB * m)),
    P: new Float64Array(TB * nW * m),
    dP: new Float64Array(TB * nW * m),
    Q: prog.groups.map((g) => new Float64Array(TB * g.params.length * m)),
    dQ: prog.groups.map((g) => new Float64Array(TB * g.params.length * m)),
    adj: prog.nodes.map((n) => new Float64Array(adjoinElsewhere(n) ? 0 : B * m)),
    dS: S.map(() => new Float64Array(B * m)),
    dSprev: S.map(() => new Float64Array(B * m)),
    saved: new Float64Array(S.length * B * m),
    WT: new Float64Array(d * nW * m),
    UT: prog.groups.map((g) => new Float64Array(m * g.params.length * m)),
    offsets: [],
    tangents: prog.nodes.map(() => null),
  };
}

/** Where a node's value for step t lives: buffer, offset of row 0, row stride. */
interface Loc {
  buf: Float64Array;
  off: number;
  stride: number;
}

function valueLoc(cw: CustomWork, theta: Float64Array, i: number, t: number, B: number, m: number, out: Loc): Loc {
  const prog = cw.prog;
  const n = prog.nodes[i];
  const s = prog.stateOut.indexOf(i);
  if (s >= 0) {
    out.buf = cw.S[s];
    out.off = (t + 1) * B * m;
    out.stride = m;
    return out;
  }
  switch (n.op) {
    case 'prev':
      out.buf = cw.S[n.state];
      out.off = t * B * m;
      out.stride = m;
      return out;
    case 'wx': {
      const w = prog.wCount * m;
      out.buf = cw.P;
      out.off = t * B * w + n.slot * m;
      out.stride = w;
      return out;
    }
    case 'ux': {
      const gm = prog.groups[n.group].params.length * m;
      out.buf = cw.Q[n.group];
      out.off = t * B * gm + n.slot * m;
      out.stride = gm;
      return out;
    }
    case 'vec':
      out.buf = theta;
      out.off = cw.offsets[n.param];
      out.stride = 0;
      return out;
    default:
      out.buf = cw.tapes[n.tape];
      out.off = t * B * m;
      out.stride = m;
      return out;
  }
}

function adjointLoc(cw: CustomWork, i: number, t: number, B: number, m: number, out: Loc): Loc {
  const prog = cw.prog;
  const n = prog.nodes[i];
  switch (n.op) {
    case 'prev':
      out.buf = cw.dSprev[n.state];
      out.off = 0;
      out.stride = m;
      return out;
    case 'wx': {
      const w = prog.wCount * m;
      out.buf = cw.dP;
      out.off = t * B * w + n.slot * m;
      out.stride = w;
      return out;
    }
    case 'ux': {
      const gm = prog.groups[n.group].params.length * m;
      out.buf = cw.dQ[n.group];
      out.off = t * B * gm + n.slot * m;
      out.stride = gm;
      return out;
    }
    default:
      out.buf = cw.adj[i];
      out.off = 0;
      out.stride = m;
      return out;
  }
}

const SOFTPLUS_THRESHOLD = 20;

/** out = op(a, b, c) over B rows of m values. */
function forwardElement(op: ProgramNode['op'], B: number, m: number, o: Loc, a: Loc, b: Loc | null, c: number): void {
  const O = o.buf, A = a.buf;
  for (let r = 0; r < B; r++) {
    const oo = o.off + r * o.stride;
    const ao = a.off + r * a.stride;
    if (b) {
      const Bb = b.buf;
      const bo = b.off + r * b.stride;
      switch (op) {
        case 'add': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k] + Bb[bo + k]; break;
        case 'sub': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k] - Bb[bo + k]; break;
        case 'mul': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k] * Bb[bo + k]; break;
        case 'div': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k] / Bb[bo + k]; break;
        default: throw new Error(`internal: ${op} is not binary`);
      }
      continue;
    }
    switch (op) {
      case 'addc': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k] + c; break;
      case 'rsubc': for (let k = 0; k < m; k++) O[oo + k] = c - A[ao + k]; break;
      case 'mulc': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k] * c; break;
      case 'divc': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k] / c; break;
      case 'rdivc': for (let k = 0; k < m; k++) O[oo + k] = c / A[ao + k]; break;
      case 'neg': for (let k = 0; k < m; k++) O[oo + k] = -A[ao + k]; break;
      case 'copy': for (let k = 0; k < m; k++) O[oo + k] = A[ao + k]; break;
      case 'sigmoid': for (let k = 0; k < m; k++) O[oo + k] = 1 / (1 + Math.exp(-A[ao + k])); break;
      case 'tanh': for (let k = 0; k < m; k++) O[oo + k] = Math.tanh(A[ao + k]); break;
      case 'relu': for (let k = 0; k < m; k++) { const x = A[ao + k]; O[oo + k] = x > 0 ? x : 0; } break;
      case 'exp': for (let k = 0; k < m; k++) O[oo + k] = Math.exp(A[ao + k]); break;
      case 'softplus': for (let k = 0; k < m; k++) { const x = A[ao + k]; O[oo + k] = x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x)); } break;
      default: throw new Error(`internal: ${op} is not unary`);
    }
  }
}

/** Adds the node's adjoint g to its operands' adjoints (ga, gb), given its value v and operand values a, b. */
function backwardElement(op: ProgramNode['op'], B: number, m: number, g: Loc, v: Loc, a: Loc, ga: Loc, b: Loc | null, gb: Loc | null, c: number, live: (r: number) => boolean): void {
  const G = g.buf, V = v.buf, A = a.buf, GA = ga.buf;
  for (let r = 0; r < B; r++) {
    if (!live(r)) continue;
    const go = g.off + r * g.stride;
    const vo = v.off + r * v.stride;
    const ao = a.off + r * a.stride;
    const gao = ga.off + r * ga.stride;
    if (b && gb) {
      const Bb = b.buf, GB = gb.buf;
      const bo = b.off + r * b.stride;
      const gbo = gb.off + r * gb.stride;
      switch (op) {
        case 'add': for (let k = 0; k < m; k++) { const x = G[go + k]; GA[gao + k] += x; GB[gbo + k] += x; } break;
        case 'sub': for (let k = 0; k < m; k++) { const x = G[go + k]; GA[gao + k] += x; GB[gbo + k] -= x; } break;
        case 'mul': for (let k = 0; k < m; k++) { const x = G[go + k]; GA[gao + k] += x * Bb[bo + k]; GB[gbo + k] += x * A[ao + k]; } break;
        case 'div': for (let k = 0; k < m; k++) {
          const x = G[go + k];
          const y = Bb[bo + k];
          GA[gao + k] += x / y;
          GB[gbo + k] -= (x * A[ao + k]) / (y * y);
        } break;
        default: throw new Error(`internal: ${op} is not binary`);
      }
      continue;
    }
    switch (op) {
      case 'addc': case 'copy': for (let k = 0; k < m; k++) GA[gao + k] += G[go + k]; break;
      case 'rsubc': case 'neg': for (let k = 0; k < m; k++) GA[gao + k] -= G[go + k]; break;
      case 'mulc': for (let k = 0; k < m; k++) GA[gao + k] += G[go + k] * c; break;
      case 'divc': for (let k = 0; k < m; k++) GA[gao + k] += G[go + k] / c; break;
      case 'rdivc': for (let k = 0; k < m; k++) { const x = A[ao + k]; GA[gao + k] -= (G[go + k] * c) / (x * x); } break;
      case 'sigmoid': for (let k = 0; k < m; k++) { const y = V[vo + k]; GA[gao + k] += G[go + k] * y * (1 - y); } break;
      case 'tanh': for (let k = 0; k < m; k++) { const y = V[vo + k]; GA[gao + k] += G[go + k] * (1 - y * y); } break;
      case 'relu': for (let k = 0; k < m; k++) if (A[ao + k] > 0) GA[gao + k] += G[go + k]; break;
      case 'exp': for (let k = 0; k < m; k++) GA[gao + k] += G[go + k] * V[vo + k]; break;
      case 'softplus': for (let k = 0; k < m; k++) {
        const x = A[ao + k];
        if (x > SOFTPLUS_THRESHOLD) GA[gao + k] += G[go + k];
        else {
          const z = Math.exp(x);
          GA[gao + k] += (G[go + k] * z) / (z + 1);
        }
      } break;
      default: throw new Error(`internal: ${op} is not unary`);
    }
  }
}

/** The derivative of an elementwise node with respect to operand `which` at one value (for the Jacobian). */
function partial(op: ProgramNode['op'], which: 0 | 1, v: number, a: number, b: number, c: number): number {
  switch (op) {
    case 'add': return 1;
    case 'sub': return which === 0 ? 1 : -1;
    case 'mul': return which === 0 ? b : a;
    case 'div': return which === 0 ? 1 / b : -a / (b * b);
    case 'addc': case 'copy': return 1;
    case 'rsubc': case 'neg': return -1;
    case 'mulc': return c;
    case 'divc': return 1 / c;
    case 'rdivc': return -c / (a * a);
    case 'sigmoid': return v * (1 - v);
    case 'tanh': return 1 - v * v;
    case 'relu': return a > 0 ? 1 : 0;
    case 'exp': return v;
    case 'softplus': return a > SOFTPLUS_THRESHOLD ? 1 : Math.exp(a) / (Math.exp(a) + 1);
    default: throw new Error(`internal: no partial for ${op}`);
  }
}

const locs = (): [Loc, Loc, Loc, Loc, Loc, Loc] => {
  const mk = (): Loc => ({ buf: new Float64Array(0), off: 0, stride: 0 });
  return [mk(), mk(), mk(), mk(), mk(), mk()];
};
const [LV, LA, LB, LG, LGA, LGB] = locs();

/** The value of node i at step t, batch row b, unit k (after a forward pass). */
export function nodeValue(cw: CustomWork, theta: Float64Array, m: number, B: number, i: number, t: number, b: number, k: number): number {
  const L: Loc = { buf: theta, off: 0, stride: 0 };
  valueLoc(cw, theta, i, t, B, m, L);
  return L.buf[L.off + b * L.stride + k];
}

/** Forward through a custom layer: all W·x in one product, then the graph step by step. */
export function customForward(cw: CustomWork, w: LayerWork, theta: Float64Array, offsets: number[], lengths: Int32Array): void {
  const { T, B, d, m } = w;
  const prog = cw.prog;
  cw.offsets = offsets;
  const nW = prog.wCount;
  const Bm = B * m;
  if (nW > 0) gemmNT(T * B, nW * m, d, w.xIn, w.xOff, theta, offsets[0], cw.P, 0, false);
  const single = prog.groups.length === 1 ? prepareRight(prog.groups[0].params.length * m, m, theta, offsets[prog.groups[0].params[0]]) : null;
  const nodes = prog.nodes;
  const segs = segments(prog);
  for (let t = 0; t < T; t++) {
    if (segs) {
      for (const seg of segs) {
        if (seg.group !== null) {
          const g = prog.groups[seg.group];
          const gm = g.params.length * m;
          valueLoc(cw, theta, g.arg, t, B, m, LA);
          if (single) gemmPrepared(single, B, LA.buf, LA.off, cw.Q[seg.group], t * B * gm, false);
          else gemmNT(B, gm, m, LA.buf, LA.off, theta, offsets[g.params[0]], cw.Q[seg.group], t * B * gm, false);
        }
        seg.forward(cw, theta, null, offsets, t, B, m, lengths);
      }
    }
    for (let i = 0; i < (segs ? 0 : nodes.length); i++) {
      const n = nodes[i];
      if (n.op === 'prev' || n.op === 'wx' || n.op === 'vec') continue;
      if (n.op === 'ux') {
        if (n.slot !== 0) continue;
        const g = prog.groups[n.group];
        const gm = g.params.length * m;
        valueLoc(cw, theta, g.arg, t, B, m, LA);
        if (single) gemmPrepared(single, B, LA.buf, LA.off, cw.Q[n.group], t * B * gm, false);
        else gemmNT(B, gm, m, LA.buf, LA.off, theta, offsets[g.params[0]], cw.Q[n.group], t * B * gm, false);
        continue;
      }
      valueLoc(cw, theta, i, t, B, m, LV);
      valueLoc(cw, theta, n.a, t, B, m, LA);
      forwardElement(n.op, B, m, LV, LA, n.b >= 0 ? valueLoc(cw, theta, n.b, t, B, m, LB) : null, n.c);
    }
    for (let b = 0; b < B; b++) {
      if (t < lengths[b]) continue;
      // a row whose sequence has ended carries its state; its values (0/0 on padded inputs, say) are cleared so that
      // no product of the backward pass meets a NaN
      const src = t * Bm + b * m;
      for (const S of cw.S) S.copyWithin(src + Bm, src, src + m);
      for (const tape of cw.tapes) tape.fill(0, src, src + m);
    }
  }
  if (w.residual) {
    const n = T * Bm;
    for (let i = 0; i < n; i++) w.out[i] = cw.S[0][Bm + i] + w.xIn[w.xOff + i];
  }
}

/**
 * Backward through a custom layer: reads w.dOut and the final state adjoints in cw.dS; adds every parameter's gradient
 * to grads; leaves ∂L/∂s_0 in cw.dS (and w.dh for h); fills w.dX when asked.
 */
export function customBackward(cw: CustomWork, w: LayerWork, theta: Float64Array, grads: Float64Array, lengths: Int32Array, wantDX: boolean): void {
  const { T, B, d, m } = w;
  const prog = cw.prog;
  const offsets = cw.offsets;
  const nodes = prog.nodes;
  const nW = prog.wCount;
  const Bm = B * m;
  const S = prog.states.length;
  prog.groups.forEach((g, gi) => transpose(g.params.length * m, m, theta, offsets[g.params[0]], cw.UT[gi], 0));
  const single = prog.groups.length === 1 ? prepareRight(m, prog.groups[0].params.length * m, cw.UT[0], 0) : null;
  const segs = segments(prog);
  let step = 0;
  const live = (r: number): boolean => step < lengths[r];
  for (let t = T - 1; t >= 0; t--) {
    step = t;
    // ∂L/∂h_t: from the step after and from above (head or next layer)
    const dh = cw.dS[0];
    takeStepGradient(w, dh, t, lengths);
    // rows past their sequence's end carry the state: their adjoints pass straight through
    for (let b = 0; b < B; b++) {
      if (t < lengths[b]) continue;
      for (let s = 0; s < S; s++) {
        cw.saved.set(cw.dS[s].subarray(b * m, (b + 1) * m), (s * B + b) * m);
        cw.dS[s].fill(0, b * m, (b + 1) * m);
      }
    }
    for (let i = 0; i < nodes.length; i++) cw.adj[i].fill(0);
    for (let s = 0; s < S; s++) cw.dSprev[s].fill(0);
    if (nW > 0) cw.dP.fill(0, t * B * nW * m, (t + 1) * B * nW * m);
    prog.groups.forEach((g, gi) => cw.dQ[gi].fill(0, t * B * g.params.length * m, (t + 1) * B * g.params.length * m));
    for (let s = 0; s < S; s++) {
      const a = cw.adj[prog.stateOut[s]];
      const ds = cw.dS[s];
      for (let i = 0; i < Bm; i++) a[i] += ds[i];
    }
    if (segs) {
      for (let k = segs.length - 1; k >= 0; k--) {
        const seg = segs[k];
        seg.backward(cw, theta, grads, offsets, t, B, m, lengths);
        if (seg.group !== null) {
          const g = prog.groups[seg.group];
          const gm = g.params.length * m;
          adjointLoc(cw, g.arg, t, B, m, LGA);
          if (single) gemmPrepared(single, B, cw.dQ[seg.group], t * B * gm, LGA.buf, LGA.off, true);
          else gemmNT(B, m, gm, cw.dQ[seg.group], t * B * gm, cw.UT[seg.group], 0, LGA.buf, LGA.off, true);
        }
      }
    }
    for (let i = segs ? -1 : nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (n.op === 'prev' || n.op === 'wx') continue;
      if (n.op === 'vec') {
        const a = cw.adj[i];
        const off = offsets[n.param];
        for (let b = 0; b < B; b++) for (let k = 0; k < m; k++) grads[off + k] += a[b * m + k];
        continue;
      }
      if (n.op === 'ux') {
        if (n.slot !== 0) continue; // the group's first product comes last in reverse order: its adjoint is complete
        const g = prog.groups[n.group];
        const gm = g.params.length * m;
        adjointLoc(cw, g.arg, t, B, m, LGA);
        if (single) gemmPrepared(single, B, cw.dQ[n.group], t * B * gm, LGA.buf, LGA.off, true);
        else gemmNT(B, m, gm, cw.dQ[n.group], t * B * gm, cw.UT[n.group], 0, LGA.buf, LGA.off, true);
        continue;
      }
      adjointLoc(cw, i, t, B, m, LG);
      valueLoc(cw, theta, i, t, B, m, LV);
      valueLoc(cw, theta, n.a, t, B, m, LA);
      adjointLoc(cw, n.a, t, B, m, LGA);
      if (n.b >= 0) {
        valueLoc(cw, theta, n.b, t, B, m, LB);
        adjointLoc(cw, n.b, t, B, m, LGB);
        backwardElement(n.op, B, m, LG, LV, LA, LGA, LB, LGB, n.c, live);
      } else backwardElement(n.op, B, m, LG, LV, LA, LGA, null, null, n.c, live);
    }
    for (let b = 0; b < B; b++) {
      if (t < lengths[b]) continue;
      for (let s = 0; s < S; s++) cw.dSprev[s].set(cw.saved.subarray((s * B + b) * m, (s * B + b + 1) * m), b * m);
    }
    const tmp = cw.dS;
    cw.dS = cw.dSprev;
    cw.dSprev = tmp;
  }
  w.dh = cw.dS[0];
  const TB = T * B;
  if (nW > 0) gemmTN(TB, nW * m, d, cw.dP, 0, w.xIn, w.xOff, grads, offsets[0], true);
  prog.groups.forEach((g, gi) => {
    valueLoc(cw, theta, g.arg, 0, B, m, LA);
    gemmTN(TB, g.params.length * m, m, cw.dQ[gi], 0, LA.buf, LA.off, grads, offsets[g.params[0]], true);
  });
  if (wantDX) {
    if (nW > 0) {
      transpose(nW * m, d, theta, offsets[0], cw.WT, 0);
      gemmNT(TB, d, nW * m, cw.dP, 0, cw.WT, 0, w.dX, 0, false);
    } else w.dX.fill(0);
    if (w.residual) for (let i = 0; i < TB * d; i++) w.dX[i] += w.dOut[i];
  }
}

/** J = ∂s_{t+1}/∂s_t for batch row b, [n, n] with n = S·m, by forward-mode differentiation of the graph. */
export function customJacobian(cw: CustomWork, w: LayerWork, theta: Float64Array, t: number, b: number, J: Float64Array): void {
  const { B, m } = w;
  const prog = cw.prog;
  const S = prog.states.length;
  const n = S * m;
  const nodes = prog.nodes;
  const tan = cw.tangents;
  const value = (i: number, k: number, L: Loc): number => {
    valueLoc(cw, theta, i, t, B, m, L);
    return L.buf[L.off + b * L.stride + k];
  };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!node.dyn) continue;
    const Ti = (tan[i] ??= new Float64Array(m * n));
    if (node.op === 'prev') {
      Ti.fill(0);
      for (let k = 0; k < m; k++) Ti[k * n + node.state * m + k] = 1;
      continue;
    }
    if (node.op === 'ux') {
      const Ta = tan[node.arg] as Float64Array;
      const off = cw.offsets[node.param];
      Ti.fill(0);
      for (let k = 0; k < m; k++) {
        for (let l = 0; l < m; l++) {
          const u = theta[off + k * m + l];
          if (u === 0) continue;
          for (let j = 0; j < n; j++) Ti[k * n + j] += u * Ta[l * n + j];
        }
      }
      continue;
    }
    if (!('tape' in node)) continue;
    const Ta = nodes[node.a].dyn ? (tan[node.a] as Float64Array) : null;
    const Tb = node.b >= 0 && nodes[node.b].dyn ? (tan[node.b] as Float64Array) : null;
    for (let k = 0; k < m; k++) {
      const v = value(i, k, LV);
      const a = value(node.a, k, LA);
      const bv = node.b >= 0 ? value(node.b, k, LB) : 0;
      const pa = Ta ? partial(node.op, 0, v, a, bv, node.c) : 0;
      const pb = Tb ? partial(node.op, 1, v, a, bv, node.c) : 0;
      for (let j = 0; j < n; j++) Ti[k * n + j] = (Ta ? pa * Ta[k * n + j] : 0) + (Tb ? pb * Tb[k * n + j] : 0);
    }
  }
  J.fill(0);
  for (let s = 0; s < S; s++) {
    const node = prog.stateOut[s];
    if (!nodes[node].dyn) continue;
    J.set((tan[node] as Float64Array).subarray(0, m * n), s * m * n);
  }
}
