/**
 * A user-defined cell as a PyTorch module: one layer, its parameters named NAME_l0 like the playground's state_dict,
 * and a forward pass that evaluates the equations step by step in the same order of operations.
 */
import type { Expr } from './language';
import type { CellProgram } from './program';

const TORCH_FN = { sigmoid: 'torch.sigmoid', tanh: 'torch.tanh', relu: 'torch.relu', exp: 'torch.exp', softplus: 'nn.functional.softplus' } as const;

/** Python for an expression; `newStates` are the states assigned so far in this step. */
function py(e: Expr, states: readonly string[], newStates: Set<string>): string {
  switch (e.k) {
    case 'num':
      return Number.isInteger(e.value) ? `${e.value}.0` : String(e.value);
    case 'name': {
      if (/^[WUub]_/.test(e.name)) return `self.${e.name}_l0`;
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
