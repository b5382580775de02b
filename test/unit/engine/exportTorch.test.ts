import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createModel, createRng, createWorkspace, forwardStack, headForward, modelConfig, toStateDict, torchScript,
  type ModelConfig, type NestedNumbers,
} from '../../../src/engine/index';

// The exported script is run by real PyTorch (Debian's python3-torch, float64) and must reproduce the engine's head
// outputs. Sizes vary so that both the JS cells and the SIMD LSTM/GRU step (even m with G·m² ≥ 256: lstm m = 8,
// gru m = 10) are exercised.

const B = 3;
const T = 7;
const TOL = 1e-9;

interface Case {
  name: string;
  config: Partial<ModelConfig> & { inputSize: number };
  seed: number;
  /** Relative tolerance when tighter than TOL. */
  tol?: number;
}

/** User-defined cells: the chapter's gated cell, two states with peepholes, diagonal recurrence, a new state read after its assignment. */
const CUSTOM = {
  chapter: ['a  = sigmoid(W_a @ x + U_a @ h + b_a)', 'hc = tanh(W_c @ x + U_c @ h + b_c)', "h' = a * h + (1 - a) * hc"],
  peepholes: ['f = sigmoid(W_f @ x + U_f @ h + u_f * c + b_f)', 'i = sigmoid(W_i @ x + U_i @ h + b_i)', "c' = f * c + i * tanh(W_c @ x + U_c @ h + b_c)", "h' = sigmoid(W_o @ x + U_o @ h + u_o * c' + b_o) * tanh(c')"],
  diagonal: ["h' = relu(W_a @ x + u_a * h + b_a)"],
  newState: ["c' = tanh(W_c @ x + U_c @ h + b_c)", "h' = 0.5 * c' + softplus(U_h @ c') / (2 + exp(-h)) - c"],
  // numbers folded as the engine folds them, large and tiny literals, names that are Python keywords, a name W_
  oddities: ['lambda = sigmoid(W_l @ x) * sigmoid(1) + 1e-21 * exp(2)', 'W_ = tanh(U_a @ h + 2 * W_b @ x)', "def' = -W_ * 1e21 / 1e21", "h' = lambda * h + (1 - lambda) * def'"],
};

const CASES: Case[] = [
  { name: 'vanilla tanh', config: { cell: 'vanilla', activation: 'tanh', inputSize: 3, hiddenSize: 5 }, seed: 1 },
  { name: 'vanilla relu', config: { cell: 'vanilla', activation: 'relu', inputSize: 3, hiddenSize: 4, outputSize: 2 }, seed: 2 },
  { name: 'vanilla sigmoid', config: { cell: 'vanilla', activation: 'sigmoid', inputSize: 2, hiddenSize: 3 }, seed: 3 },
  { name: 'lstm', config: { cell: 'lstm', inputSize: 3, hiddenSize: 8, outputSize: 2 }, seed: 4 },
  { name: 'gru', config: { cell: 'gru', inputSize: 3, hiddenSize: 5 }, seed: 5 },
  { name: 'gated', config: { cell: 'gated', inputSize: 3, hiddenSize: 4 }, seed: 6 },
  { name: 'gated coupled', config: { cell: 'gated', coupled: true, inputSize: 3, hiddenSize: 5 }, seed: 7 },
  { name: 'lstm 2 layers residual', config: { cell: 'lstm', inputSize: 3, hiddenSize: 4, layers: 2, residual: true }, seed: 8 },
  { name: 'gru 2 layers', config: { cell: 'gru', inputSize: 3, hiddenSize: 10, layers: 2 }, seed: 9 },
  { name: 'vanilla every softmax', config: { cell: 'vanilla', inputSize: 3, hiddenSize: 5, readout: 'every', loss: 'softmax', outputSize: 3 }, seed: 10 },
  { name: 'lstm binary', config: { cell: 'lstm', inputSize: 3, hiddenSize: 7, loss: 'binary' }, seed: 11 },
  // beyond the list: residual on layer 0 too (inputSize = hiddenSize), a custom cell in a stack, readout every
  { name: 'gated coupled 2 layers residual every', config: { cell: 'gated', coupled: true, inputSize: 4, hiddenSize: 4, layers: 2, residual: true, readout: 'every', outputSize: 2 }, seed: 12 },
  { name: 'vanilla sigmoid 3 layers', config: { cell: 'vanilla', activation: 'sigmoid', inputSize: 2, hiddenSize: 4, layers: 3 }, seed: 13 },
  { name: 'gru 1 layer residual', config: { cell: 'gru', inputSize: 4, hiddenSize: 4, residual: true }, seed: 14 },
  // a cell PyTorch does not have, from the registry: a vector of recurrent weights
  { name: 'indrnn relu', config: { cell: 'indrnn', activation: 'relu', inputSize: 3, hiddenSize: 5 }, seed: 15 },
  { name: 'indrnn tanh 2 layers residual every', config: { cell: 'indrnn', activation: 'tanh', inputSize: 4, hiddenSize: 4, layers: 2, residual: true, readout: 'every', outputSize: 2 }, seed: 16 },
  // user-defined cells: a module generated from the equations, to 1e-12
  { name: 'custom chapter cell', config: { cell: 'custom', equations: CUSTOM.chapter, inputSize: 3, hiddenSize: 5 }, seed: 17, tol: 1e-12 },
  { name: 'custom peepholes 2 layers residual every', config: { cell: 'custom', equations: CUSTOM.peepholes, inputSize: 4, hiddenSize: 4, layers: 2, residual: true, readout: 'every', outputSize: 2 }, seed: 18, tol: 1e-12 },
  { name: 'custom diagonal', config: { cell: 'custom', equations: CUSTOM.diagonal, inputSize: 3, hiddenSize: 6, loss: 'softmax', outputSize: 3 }, seed: 19, tol: 1e-12 },
  { name: 'custom new state read after its assignment', config: { cell: 'custom', equations: CUSTOM.newState, inputSize: 2, hiddenSize: 4 }, seed: 20, tol: 1e-12 },
  { name: 'custom oddities', config: { cell: 'custom', equations: CUSTOM.oddities, inputSize: 3, hiddenSize: 4, readout: 'every', outputSize: 2 }, seed: 21, tol: 1e-12 },
];

/** A python3 that imports torch: $PYTHON, python3 on PATH, then the system one (pyenv may shadow Debian's python3-torch). */
function torchPython(): string | null {
  for (const exe of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (exe && spawnSync(exe, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60000 }).status === 0) return exe;
  }
  return null;
}

/** Random inputs [B][T][inputSize]. */
function randomInputs(inputSize: number, seed: number): number[][][] {
  const rng = createRng(seed);
  return Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: inputSize }, () => rng.normal())));
}

/** The engine's head outputs for x [B][T][d], as [B][P] (readout last) or [B][T][P] (readout every). */
function engineOutputs(cfg: ModelConfig, seed: number, x: number[][][]): NestedNumbers {
  const model = createModel(cfg, { seed });
  const d = cfg.inputSize;
  const xs = new Float64Array(T * B * d);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let k = 0; k < d; k++) xs[(t * B + b) * d + k] = x[b][t][k];
  const batch = { T, B, inputSize: d, x: xs, lengths: new Int32Array(B).fill(T) };
  const ws = createWorkspace(cfg, T, B);
  forwardStack(model, ws, batch);
  headForward(model, ws, batch);
  const P = cfg.outputSize;
  const row = (r: number): number[] => Array.from(ws.Y.subarray(r * P, (r + 1) * P));
  if (cfg.readout === 'last') return Array.from({ length: B }, (_, b) => row(b));
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => row(t * B + b)));
}

/** Worst absolute difference, and the first entry off by more than TOL·max(1, |ours|); a shape mismatch throws. */
function compare(ours: NestedNumbers, theirs: unknown, where = 'y', tol = TOL): { worst: number; firstBad: string | null } {
  if (typeof ours === 'number') {
    assert.equal(typeof theirs, 'number', `${where}: expected a number`);
    const worst = Math.abs(ours - (theirs as number));
    const bad = !(worst <= tol * Math.max(1, Math.abs(ours)));
    return { worst, firstBad: bad ? `${where}: engine ${ours}, PyTorch ${String(theirs)} (|Δ| = ${worst})` : null };
  }
  assert.ok(Array.isArray(theirs) && theirs.length === ours.length, `${where}: expected ${ours.length} entries`);
  let worst = 0;
  let firstBad: string | null = null;
  ours.forEach((v, i) => {
    const r = compare(v, (theirs as unknown[])[i], `${where}[${i}]`, tol);
    worst = Math.max(worst, r.worst);
    firstBad ??= r.firstBad;
  });
  return { worst, firstBad };
}

// Runs every case's script in one Python process (PyTorch takes over a second to import), as `__main__` with the
// script's own argv, so argparse, the default weights path and the output file are all exercised.
const DRIVER = `import runpy
import sys
import traceback

failed = False
for case in sys.argv[1:]:
    sys.argv = [case + "/model.py", "--input", case + "/in.json", "--output", case + "/out.json"]
    try:
        runpy.run_path(case + "/model.py", run_name="__main__")
    except BaseException:
        failed = True
        print(case + ":", file=sys.stderr)
        traceback.print_exc()
sys.exit(1 if failed else 0)
`;

test('the exported PyTorch script reproduces the engine outputs to 1e-9', async (t) => {
  const python = torchPython();
  if (!python) {
    t.skip('python3-torch is not installed');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'rnnpg-torch-'));
  try {
    const prepared = CASES.map((c, i) => {
      const cfg = modelConfig(c.config);
      const dir = join(root, `case${i}`);
      mkdirSync(dir);
      const x = randomInputs(cfg.inputSize, 100 + c.seed);
      const stateDict = toStateDict(createModel(cfg, { seed: c.seed }));
      writeFileSync(join(dir, 'model.py'), torchScript(cfg, { stateDictFile: 'model.state_dict.json' }));
      writeFileSync(join(dir, 'model.state_dict.json'), JSON.stringify(stateDict));
      writeFileSync(join(dir, 'in.json'), JSON.stringify({ x }));
      return { ...c, cfg, dir, x, stateDict, ours: engineOutputs(cfg, c.seed, x) };
    });
    // sabotage: the lstm case with one recurrent weight moved by 1e-5 must be caught
    const lstm = prepared.find((c) => c.name === 'lstm')!;
    const sabotaged = join(root, 'sabotaged');
    mkdirSync(sabotaged);
    const bad = JSON.parse(JSON.stringify(lstm.stateDict)) as Record<string, number[][]>;
    bad['rnn.weight_hh_l0'][2][1] += 1e-5;
    writeFileSync(join(sabotaged, 'model.py'), torchScript(lstm.cfg, { stateDictFile: 'model.state_dict.json' }));
    writeFileSync(join(sabotaged, 'model.state_dict.json'), JSON.stringify(bad));
    writeFileSync(join(sabotaged, 'in.json'), JSON.stringify({ x: lstm.x }));

    writeFileSync(join(root, 'driver.py'), DRIVER);
    const run = spawnSync(python, [join(root, 'driver.py'), ...prepared.map((c) => c.dir), sabotaged], { encoding: 'utf8', timeout: 300000 });
    assert.equal(run.status, 0, run.stderr);

    const outputOf = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { y: unknown }).y;
    for (const c of prepared) {
      await t.test(c.name, () => {
        const { worst, firstBad } = compare(c.ours, outputOf(c.dir), 'y', c.tol);
        assert.equal(firstBad, null);
        t.diagnostic(`${c.name}: max |Δ| = ${worst.toExponential(2)}`);
      });
    }

    await t.test('a recurrent weight off by 1e-5 is detected', () => {
      const { worst, firstBad } = compare(lstm.ours, outputOf(sabotaged));
      assert.match(firstBad ?? '', /engine .*, PyTorch .* \(\|Δ\| = /);
      t.diagnostic(`sabotaged lstm: max |Δ| = ${worst.toExponential(2)}`);
    });

    await t.test('run as a command from another directory, it finds its weights and prints to stdout', () => {
      const c = prepared.find((p) => p.name === 'gated coupled 2 layers residual every')!;
      const direct = spawnSync(python, [join(c.dir, 'model.py'), '--input', join(c.dir, 'in.json')], { cwd: root, encoding: 'utf8', timeout: 120000 });
      assert.equal(direct.status, 0, direct.stderr);
      assert.deepEqual(JSON.parse(direct.stdout), { y: outputOf(c.dir) });
      writeFileSync(join(root, 'ragged.json'), JSON.stringify({ x: [[[0, 0, 0, 0]], [[0, 0, 0, 0], [1, 1, 1, 1]]] }));
      const ragged = spawnSync(python, [join(c.dir, 'model.py'), '--input', join(root, 'ragged.json')], { cwd: root, encoding: 'utf8', timeout: 120000 });
      assert.equal(ragged.status, 1);
      assert.match(ragged.stderr, /sequences of equal length/);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the script names its model and reads the state_dict next to itself', () => {
  const cfg = modelConfig({ cell: 'gated', coupled: true, inputSize: 4, hiddenSize: 4, layers: 2, residual: true, readout: 'every', loss: 'softmax', outputSize: 3 });
  const py = torchScript(cfg, { stateDictFile: 'weights "v1".json' });
  assert.match(py, /^"""Rebuilds an RNN Playground model in PyTorch \(float64\)/);
  assert.match(py, /Cell: {3}Gated additive, coupled \(β = 1 − α\), gate rows α h̃/);
  assert.match(py, /residual \(x \+ h\) on layers 1, 2/);
  assert.match(py, /class logits/);
  assert.match(py, /^STATE_DICT_FILE = "weights \\"v1\\".json"$/m);
  assert.match(py, /os\.path\.join\(here, STATE_DICT_FILE\)/);
  const imports = py.match(/^(?:import|from) .*$/gm);
  assert.deepEqual(imports, ['import argparse', 'import json', 'import os', 'import sys', 'import torch', 'from torch import nn']);
  const native = torchScript(modelConfig({ cell: 'gru', inputSize: 3, hiddenSize: 5, layers: 2 }), { stateDictFile: 'm.json' });
  assert.match(native, /self\.rnn = nn\.GRU\(INPUT_SIZE, HIDDEN_SIZE, num_layers=LAYERS, batch_first=True\)/);
  assert.doesNotMatch(native, /class Stack|stack_key/);
  assert.throws(() => torchScript({ ...cfg, cell: 'transformer' as never }, { stateDictFile: 'm.json' }), /unknown cell/);
});
