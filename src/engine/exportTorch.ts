/**
 * Export to PyTorch: the source of a small Python script that rebuilds a model in float64 and loads the weights
 * written by toStateDict(). Each cell's descriptor says how: PyTorch's own module (nn.RNN with tanh / relu, nn.LSTM,
 * nn.GRU), or a small explicit module with the same parameter names (the sigmoid RNN, the gated additive cell, …),
 * and residual stacks (y = x + h, as in bptt.ts) are a list of one-layer modules. h0 (and c0) are zero.
 */
import { layerIsResidual, validateConfig, type ModelConfig } from './config';
import { cellFor, variantOf } from './cells/index';
import { customTorchSource } from './cells/custom/torch';

/** Options for torchScript(). */
export interface TorchScriptOptions {
  /** File name of the state_dict JSON, relative to the script's own directory. */
  stateDictFile: string;
}

/** Python source that rebuilds `config` in PyTorch and maps `--input` JSON to the head's raw outputs. */
export function torchScript(config: ModelConfig, options: TorchScriptOptions): string {
  validateConfig(config);
  if (options.stateDictFile.length === 0) throw new RangeError('stateDictFile must name a file');
  const residual = Array.from({ length: config.layers }, (_, l) => layerIsResidual(config, l));
  const custom = customLayer(config);
  const stacked = residual.some((r) => r) || (custom !== null && config.layers > 1);
  const out: string[] = [];
  out.push(...docstring(config, residual), '');
  out.push('import argparse', 'import json', 'import os', 'import sys', '', 'import torch', 'from torch import nn', '');
  out.push(
    `INPUT_SIZE = ${config.inputSize}`,
    `HIDDEN_SIZE = ${config.hiddenSize}`,
    `LAYERS = ${config.layers}`,
    `OUTPUT_SIZE = ${config.outputSize}`,
  );
  if (stacked) out.push(`RESIDUAL = (${residual.map((r) => (r ? 'True' : 'False')).join(', ')}${config.layers === 1 ? ',' : ''})  # layer l outputs x + h where True`);
  out.push(`STATE_DICT_FILE = ${pyString(options.stateDictFile)}`, '', '');
  if (custom) out.push(...custom.source, '', '');
  const layerCtor = (d: string): string => custom ? `${custom.name}(${d}, HIDDEN_SIZE)` : nativeLayer(config, d, false);
  if (stacked) out.push(...stackSource(layerCtor('d')), '', '');
  const rnn = stacked ? 'Stack()' : custom ? layerCtor('INPUT_SIZE') : nativeLayer(config, 'INPUT_SIZE', true);
  out.push(...modelSource(config, rnn), '', '');
  if (stacked) out.push(...stackKeySource(), '', '');
  out.push(...loadSource(stacked), '', '');
  out.push(...mainSource(config), '', '');
  out.push('if __name__ == "__main__":', '    main()', '');
  return out.join('\n');
}

/** The explicit one-layer module for cells PyTorch does not have, or null when PyTorch has the cell. */
function customLayer(config: ModelConfig): { name: string; source: string[] } | null {
  const cell = cellFor(config);
  const mapping = cell.torch(variantOf(config));
  if ('native' in mapping) return null;
  if ('custom' in mapping) return { name: 'CustomCell', source: customTorchSource(cell.program as NonNullable<typeof cell.program>) };
  const { name, doc, step } = mapping.explicit;
  const gates = cell.gates(variantOf(config)).length;
  const diagonal = cell.recurrent === 'diagonal';
  const source = [
    `class ${name}(nn.Module):`,
    `    """${doc[0]}`,
    `    ${doc[1]}`,
    `    Parameters are named like those of a one-layer nn.RNN (weight_ih_l0 ...)${diagonal ? '; weight_hh_l0 is a vector, applied elementwise' : ''}."""`,
    '',
    `    GATES = ${gates}`,
    '',
    '    def __init__(self, input_size, hidden_size):',
    '        super().__init__()',
    '        self.hidden_size = hidden_size',
    '        rows = self.GATES * hidden_size',
    '        self.weight_ih_l0 = nn.Parameter(torch.zeros(rows, input_size))',
    diagonal ? '        self.weight_hh_l0 = nn.Parameter(torch.zeros(rows))' : '        self.weight_hh_l0 = nn.Parameter(torch.zeros(rows, hidden_size))',
    '        self.bias_ih_l0 = nn.Parameter(torch.zeros(rows))',
    '        self.bias_hh_l0 = nn.Parameter(torch.zeros(rows))',
    '',
    '    def forward(self, x):',
    '        """x [batch, time, input] -> (outputs [batch, time, hidden], h_T [1, batch, hidden]), as nn.RNN."""',
    '        h = x.new_zeros(x.shape[0], self.hidden_size)',
    '        outputs = []',
    '        for x_t in x.unbind(1):',
    diagonal
      ? '            pre = x_t @ self.weight_ih_l0.T + self.bias_ih_l0 + h.repeat(1, self.GATES) * self.weight_hh_l0 + self.bias_hh_l0'
      : '            pre = x_t @ self.weight_ih_l0.T + self.bias_ih_l0 + h @ self.weight_hh_l0.T + self.bias_hh_l0',
    ...step,
    '            outputs.append(h)',
    '        return torch.stack(outputs, dim=1), h.unsqueeze(0)',
  ];
  return { name, source };
}

/** Constructor of PyTorch's own module for the cell; `all` makes one module of LAYERS layers. */
function nativeLayer(config: ModelConfig, inputSize: string, all: boolean): string {
  const layers = all && config.layers > 1 ? ', num_layers=LAYERS' : '';
  const mapping = cellFor(config).torch(variantOf(config));
  if (!('native' in mapping)) throw new Error(`the ${config.cell} cell has no PyTorch module of its own`);
  const nonlinearity = mapping.native === 'nn.RNN' ? `, nonlinearity="${config.activation}"` : '';
  return `${mapping.native}(${inputSize}, HIDDEN_SIZE${layers}${nonlinearity}, batch_first=True)`;
}

function stackSource(layer: string): string[] {
  return [
    'class Stack(nn.Module):',
    '    """LAYERS one-layer recurrent modules, bottom first; layer l outputs x + h where RESIDUAL[l], else h."""',
    '',
    '    def __init__(self):',
    '        super().__init__()',
    '        sizes = [INPUT_SIZE] + [HIDDEN_SIZE] * (LAYERS - 1)',
    `        self.layers = nn.ModuleList(${layer} for d in sizes)`,
    '',
    '    def forward(self, x):',
    '        """x [batch, time, INPUT_SIZE] -> (top outputs [batch, time, HIDDEN_SIZE], None)."""',
    '        for layer, residual in zip(self.layers, RESIDUAL):',
    '            h, _ = layer(x)',
    '            x = x + h if residual else h',
    '        return x, None',
  ];
}

function modelSource(config: ModelConfig, rnn: string): string[] {
  const every = config.readout === 'every';
  return [
    'class Model(nn.Module):',
    `    """The recurrent part (rnn) and the linear head, read ${every ? 'at every step' : 'at the last step'}."""`,
    '',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.rnn = ${rnn}`,
    '        self.head = nn.Linear(HIDDEN_SIZE, OUTPUT_SIZE)',
    '',
    '    def forward(self, x):',
    `        """x [batch, time, INPUT_SIZE] -> y [batch, ${every ? 'time, ' : ''}OUTPUT_SIZE]."""`,
    '        out, _ = self.rnn(x)',
    every ? '        return self.head(out)' : '        return self.head(out[:, -1])',
  ];
}

function stackKeySource(): string[] {
  return [
    'def stack_key(key):',
    '    """rnn.weight_ih_l1 -> rnn.layers.1.weight_ih_l0: each layer of the stack is its own one-layer module."""',
    '    if not key.startswith("rnn."):',
    '        return key',
    '    name, layer = key[len("rnn."):].rsplit("_l", 1)',
    '    return f"rnn.layers.{layer}.{name}_l0"',
  ];
}

function loadSource(stacked: boolean): string[] {
  const key = stacked ? 'stack_key(k)' : 'k';
  return [
    'def load_model(path):',
    '    """Builds the model in float64 and loads the state_dict JSON (name -> nested lists) at path."""',
    '    with open(path) as f:',
    '        state = json.load(f)',
    '    model = Model().to(torch.float64)',
    `    model.load_state_dict({${key}: torch.tensor(v, dtype=torch.float64) for k, v in state.items()})`,
    '    return model.eval()',
  ];
}

function mainSource(config: ModelConfig): string[] {
  const yShape = config.readout === 'every' ? '[batch][time][OUTPUT_SIZE]' : '[batch][OUTPUT_SIZE]';
  return [
    'def main():',
    '    here = os.path.dirname(os.path.abspath(__file__))',
    '    parser = argparse.ArgumentParser(description="Runs the RNN Playground model exported to PyTorch.")',
    '    parser.add_argument("--input", required=True, help=\'JSON file {"x": [batch][time][INPUT_SIZE]}\')',
    `    parser.add_argument("--output", help='write {"y": ${yShape}} here (default: print it)')`,
    '    parser.add_argument("--weights", default=os.path.join(here, STATE_DICT_FILE), help="state_dict JSON (default: %(default)s)")',
    '    args = parser.parse_args()',
    '    with open(args.input) as f:',
    '        data = json.load(f)',
    '    try:',
    '        x = torch.tensor(data["x"], dtype=torch.float64)',
    '    except (KeyError, TypeError, ValueError) as e:',
    '        sys.exit(f"{args.input}: expected {{\\"x\\": [batch][time][{INPUT_SIZE}]}}, sequences of equal length ({e})")',
    '    if x.dim() != 3 or x.shape[0] == 0 or x.shape[1] == 0 or x.shape[2] != INPUT_SIZE:',
    '        sys.exit(f"{args.input}: x must have shape [batch, time, {INPUT_SIZE}]; got {list(x.shape)}")',
    '    with torch.no_grad():',
    '        y = load_model(args.weights)(x)',
    '    text = json.dumps({"y": y.tolist()})',
    '    if args.output:',
    '        with open(args.output, "w") as f:',
    '            f.write(text + "\\n")',
    '    else:',
    '        print(text)',
  ];
}

function docstring(config: ModelConfig, residual: boolean[]): string[] {
  const desc = cellFor(config);
  const gates = desc.program ? [] : desc.gates(variantOf(config));
  const cell = desc.program ? `custom: ${desc.program.spec.equations.join('; ')}` : `${desc.label}${desc.activations ? ` (${config.activation})` : ''}${desc.coupledOption ? (config.coupled ? ', coupled (β = 1 − α)' : ' (free α and β)') : ''}`
    + (gates.length > 1 ? `, gate rows ${gates.map((g) => g.symbol).join(' ')}` : '')
    + (desc.recurrent === 'diagonal' ? ', recurrent weights a vector u (elementwise)' : '');
  const { layers, hiddenSize: m, inputSize: d, outputSize: P } = config;
  const res = residual.flatMap((r, l) => (r ? [l + 1] : []));
  const stack = `${layers} of ${m} units`
    + (res.length > 0 ? `, residual (x + h) on layer${res.length > 1 ? 's' : ''} ${res.join(', ')}` : '');
  const every = config.readout === 'every';
  const what = {
    mse: [`${P} regression output${P > 1 ? 's' : ''} ŷ = W_y h + b_y.`],
    binary: ['one logit s = W_y h + b_y; σ(s) is the probability of class 1', '(the playground predicts 1 when s > 0).'],
    softmax: [`${P} class logits W_y h + b_y; softmax(y) gives the probabilities, argmax the class.`],
  }[config.loss];
  return [
    '"""Rebuilds an RNN Playground model in PyTorch (float64) and runs it on the sequences of a JSON file.',
    '',
    `Cell:   ${cell}`,
    `Layers: ${stack}`,
    `Input:  ${d} feature${d > 1 ? 's' : ''} per step`,
    `Head:   linear ${m} -> ${P}, read ${every ? 'at every step' : 'at the last step'}; loss ${config.loss}`,
    '',
    'The weights are the playground\'s state_dict export, read from STATE_DICT_FILE next to this script',
    '(or from --weights). Initial states h0 (and c0) are zero, as in the playground.',
    '',
    'Usage:',
    '    python3 model.py --input in.json [--output out.json] [--weights state_dict.json]',
    '',
    `in.json holds {"x": [batch][time][${d}]}; all sequences must have the same length.`,
    `The result, {"y": [batch]${every ? '[time]' : ''}[${P}]}, is printed unless --output names a file. It holds the head's`,
    `raw outputs ${every ? 'at every step' : 'after the last step'}, exactly as the playground computes them (no sigmoid or softmax):`,
    ...what,
    '"""',
  ];
}

/** A Python string literal (JSON's escapes are all valid in Python). */
function pyString(s: string): string {
  return JSON.stringify(s);
}
