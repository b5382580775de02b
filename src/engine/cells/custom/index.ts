/**
 * A user-defined cell as a registry entry: the descriptor made from its equations (compiled once per distinct set of
 * equations and cached). Whole layers run through ./layer.ts; the rest of the engine reads the descriptor as for a
 * built-in cell.
 */
import type { CellDescriptor, EquationLine } from '../types';
import { compileCell, type CellProgram } from './program';
import { cellTex, previewCell } from './language';

export { compileCell, type CellProgram } from './program';
export { parseCell, checkCell, cellTex, EquationError, problemText, type EquationProblem, type CellSpec } from './language';
export { EQUATION_PRESETS, type EquationPreset } from './presets';

const cache = new Map<string, CellDescriptor>();

const wholeLayer = (): never => {
  throw new Error('internal: a custom cell runs whole layers (cells/custom/layer.ts), not per-step kernels');
};

/** The additive path of a compiled cell: a state s with s' = a ⊙ s + …, and the node of its gate a. */
export function additivePath(prog: CellProgram): { state: number; gate: number; name: string } | null {
  for (let s = 0; s < prog.states.length; s++) {
    const found = additiveGate(prog, prog.stateOut[s], s);
    if (found !== null) return { state: s, gate: found, name: prog.names[found] ?? 'a' };
  }
  return null;
}

/** In the sum tree of node i, a term g ⊙ s_{t−1} (either order); returns g's node. */
function additiveGate(prog: CellProgram, i: number, state: number): number | null {
  const n = prog.nodes[i];
  if (n.op === 'add') return additiveGate(prog, n.a, state) ?? additiveGate(prog, n.b, state);
  if (n.op === 'sub') return additiveGate(prog, n.a, state);
  if (n.op === 'addc') return additiveGate(prog, n.a, state);
  if (n.op === 'mul') {
    const isPrev = (j: number): boolean => {
      const x = prog.nodes[j];
      return x.op === 'prev' && x.state === state;
    };
    if (isPrev(n.b) && !isPrev(n.a)) return n.a;
    if (isPrev(n.a) && !isPrev(n.b)) return n.b;
  }
  return null;
}

/** The descriptor of a custom cell (throws EquationError naming the equation and column when they are wrong). */
export function customCell(equations: readonly string[]): CellDescriptor {
  const key = JSON.stringify(equations);
  const hit = cache.get(key);
  if (hit) return hit;
  const program = compileCell(equations);
  const tex = cellTex(program.spec);
  const additive = additivePath(program);
  // the gate's name and TeX as written (it may be a parameter or an expression rather than a name)
  const written = previewCell(equations).additive;
  const gateText = written?.gate ?? program.names[additive?.gate ?? -1] ?? 'the gate';
  const gateTex = (written?.gateTex ?? '\\alpha_t').replace(/_t(?![a-zA-Z{])/g, '_k');
  const gateNames = program.spec.intermediates;
  const desc: CellDescriptor = {
    kind: 'custom',
    label: 'Custom',
    noun: 'the custom cell',
    summary: 'your own cell, from equations',
    gates: () => gateNames.map((name) => ({ name, tex: `\\mathit{${name.replace(/_/g, '\\_')}}`, symbol: name, title: `${name} (from your equations)` })),
    cellState: program.states.length > 1,
    states: program.states,
    program,
    recurrent: 'matrix',
    activations: null,
    coupledOption: false,
    recurrentBiasInside: null,
    forward: wholeLayer,
    backward: wholeLayer,
    jacobian: wholeLayer,
    simdStep: null,
    candidateBlock: () => 0,
    bound: additive
      ? { kind: 'additive', block: -1, tex: gateTex, words: `the gate ${gateText} on ${program.states[additive.state]}`, gateNode: additive.gate }
      : { kind: 'product' },
    forgetBlock: null,
    torch: () => ({ custom: true }),
    equations: (): EquationLine[] => tex.map((t, i) => ({ tex: t, note: program.spec.equations[i] })),
    presets: [],
  };
  if (cache.size > 64) cache.clear();
  cache.set(key, desc);
  return desc;
}
