/**
 * A user-defined cell as a PyTorch module: one layer, its parameters named NAME_l0 like the playground's state_dict,
 * and a forward pass that evaluates the equations step by step in the same order of operations.
 */
import { paramKind, type Expr } from './language';
import type { CellProgram } from './program';

const TORCH_FN = { sigmoid: 'torch.sigmoid', tanh: 'torch.tanh', relu: 'torch.relu', exp: 'torch.exp', softplus: 'nn.functional.softplus' } as const;

/** A Python float literal (repr-compatible; inf and nan spelled out). */
function pyNumber(v: number): string {
  if (Number.isNaN(v)) return 'float("nan")';
  if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
  if (Object.is(v, -0)) return '-0.0';
  const t = String(v);
  return /[.e]/.test(t) ? t : `${t}.0`;
}

const FOLD = {
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh, relu: (x: number) => (x > 0 ? x : 0), exp: Math.exp,
  softplus: (x: number) => (x > 20 ? x : Math.log1p(Math.exp(x))),
} as const;

/** The value of an expression made of numbers only, computed as the engine folds it; null when it has a name. */
function folded(e: Expr): number | null {
  switch (e.k) {
    case 'num': return e.value;
    case 'name': return null;
    case 'neg': { const a = folded(e.arg); return a === null ? null : -a; }
    case 'call': { const a = folded(e.arg); return a === null ? null : FOLD[e.fn](a); }
    case 'bin': {
      const a = folded(e.a);
      const b = folded(e.b);
      if (a === null || b === null || e.op === '@') return null;
      return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : a / b;
    }
  }
}

/** Python for an expression; `newStates` are the states assigned so far in this step. */
function py(e: Expr, states: readonly string[], newStates: Set<string>): string {
  const c = folded(e);
  if (c !== null) return `(${pyNumber(c)})`; // the engine folds numbers at compile time: so does the export
  switch (e.k) {
    case 'num':
      return pyNumber(e.value);
    case 'name': {
      if (paramKind(e.name)) return `self.${e.name}_l0`;
      if (e.name === 'x') return 'x_t';
      if (states.includes(e.name)) return e.primed ? `new_${e.name}` : `s_${e.name}`;
      return `v_${e.name}`;
    }
    case 'neg':
      return `(-${py(e.arg, states, newStates)})`;
    case 'call':
      return `${TORCH_FN[e.fn]}(${py(e.arg, states, newStates)})`;
    case 'bin':
      if (e.op === '@') return `(${py(e.b, states, newStates)} @ ${py(e.a, states, newStates)}.T)`;
      return `(${py(e.a, states, newStates)} ${e.op} ${py(e.b, states, newStates)})`;
  }
}

/** The source of `class CustomCell(nn.Module)` for a compiled cell. */
export function customTorchSource(prog: CellProgram, name = 'CustomCell'): string[] {
  const states = prog.states;
  const shape = (kind: string): string => (kind === 'W' ? 'hidden_size, input_size' : kind === 'U' ? 'hidden_size, hidden_size' : 'hidden_size');
  const newStates = new Set<string>();
  const body = prog.spec.assignments.map((a) => {
    const rhs = py(a.expr, states, newStates);
    if (a.primed) newStates.add(a.target);
    return `            ${a.primed ? `new_${a.target}` : `v_${a.target}`} = ${rhs}`;
  });
  return [
    `class ${name}(nn.Module):`,
    '    """One layer of the custom cell, step by step:',
    ...prog.spec.equations.map((e) => `        ${e.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}`),
    `    State: ${states.join(', ')} (zeros at the start); the output is h. Parameters are named NAME_l0 as in the playground."""`,
    '',
    '    def __init__(self, input_size, hidden_size):',
    '        super().__init__()',
    '        self.hidden_size = hidden_size',
    ...prog.params.map((p) => `        self.${p.name}_l0 = nn.Parameter(torch.zeros(${shape(p.kind)}))`),
    '',
    '    def forward(self, x):',
    '        """x [batch, time, input] -> (outputs [batch, time, hidden], h_T [1, batch, hidden]), as nn.RNN."""',
    ...states.map((s) => `        s_${s} = x.new_zeros(x.shape[0], self.hidden_size)`),
    '        outputs = []',
    '        for x_t in x.unbind(1):',
    ...body,
    `            ${states.map((s) => `s_${s}`).join(', ')} = ${states.map((s) => `new_${s}`).join(', ')}`,
    '            outputs.append(s_h)',
    '        return torch.stack(outputs, dim=1), s_h.unsqueeze(0)',
  ];
}
