/**
 * The `rnn-playground` command line. Each command prints a readable report, or with --json one JSON object on stdout.
 * Exit codes: 0 success, 1 a check failed, 2 bad usage or unreadable input (with a one-line message, no stack trace).
 */
import { parseArgs } from 'node:util';
import { UsageError, EXIT } from './errors';
import { choice, intOpt, list, numOpt, type Values } from './options';
import { CELL_KINDS } from '../engine/index';
import { goldenCommand } from './commands/golden';
import { gradcheckCommand } from './commands/gradcheck';
import { examplesCommand } from './commands/examples';
import { benchCommand } from './commands/bench';
import { threadCount } from '../threads/pool';
import { configureProducts } from '../threads/runtime';
import { runW1, type W1Args } from './commands/benchEngine';
import { trainCommand } from './commands/train';
import { verifyCommand } from './commands/verify';
import { compareCommand } from './commands/compare';
import { exportCommand } from './commands/export';
import { equationsFlag, settingsFor } from './commands/dataCommon';
import { predictCommand } from './commands/predict';
import { makeTaskCommand } from './commands/makeTask';
import { horizonCommand } from './commands/horizon';
import { chapterCommand } from './commands/chapter';
import { DATA_OPTIONS, MODEL_OPTIONS } from './commands/dataCommon';
import { benchCsvIngest, runCsvBenchChild } from './commands/benchCsv';
import { benchTrainMemory, runTrainBenchChild } from './commands/benchMemory';

const CELL_CHOICES = [...CELL_KINDS, 'custom'].join('|');

const USAGE = `Usage: rnn-playground <command> [options]

FILE is a CSV or an experiment file (NAME.rnn.json, as the extension writes): its settings, with the flags over them.

Commands:
  train FILE          train a model on a CSV; roles, transforms and sizes are chosen from the data and explained;
                      reports losses against the baseline. Overrides:
                      [--features a,b] [--target c] [--sequence-id c] [--label c] [--time c]
                      [--task next-step|regress|classify] [--transform col=none|diff|returns|log-returns]
                      [--missing error|drop|ffill|interpolate] [--window T|none] [--stride S] [--validation 0.2]
                      [--split sequence|time] [--layout long|wide]
                      [--cell ${CELL_CHOICES}] [--equations "a = …; h' = …" (cell custom)]
                      [--activation sigmoid|tanh|relu] [--coupled] [--hidden N]
                      [--layers N] [--residual] [--init pytorch|glorot-orthogonal|identity] [--epochs N|auto] [--lr X]
                      [--batch N|auto] [--clip X] [--optimizer adam|sgd|momentum] [--tbptt K] [--patience N|auto]
                      [--precision float64|float32 (the matrix products; float32 is faster)]
                      [--seed S] [--save MODEL.json] [--force] [--threads N (default: every core; same result)]
                      [--resume MODEL.json --epochs N]: N more epochs of that run, exactly as if it had not stopped
                      (written back to MODEL.json, or to --save)
  verify FILE         the vanishing-gradient bound on real rows: measured ‖∂h_T/∂h_t‖ vs the bounds, verdict,
                      effective memory   [--model MODEL.json | model flags] [--window T] [--sequence K]
                      [--layer L] [--norm spectral|frobenius] [--epsilon E]
  compare FILE        several cells on the same data, seed and budget   --cells ${CELL_KINDS.join(',')}[,custom]
                      (default: all built-in cells, and the file's custom cell when its model is one)
  predict FILE        predictions of a saved model for every sequence   --model MODEL.json --out PRED.csv [--force]
  export MODEL.json   what VS Code's Export Model writes: model.json, state_dict.json and model.py (PyTorch)
                      --out DIR [--force]
                      [--training]: also the run's training as a PyTorch project: data.py (reads the CSV as the
                      playground did), train.py (same optimiser, batches and order; --check, --world-size N for
                      DistributedDataParallel), initial_state_dict.json, training.json, README.md
  make-task TASK      write a built-in task as CSV: adding | copy | order | sessions
                      --length T --count N --seed S --out FILE [--force] [--variant uniform|original (adding)]
  golden FILE         compare the engine with a PyTorch reference file (torch-golden.json format, any sizes)
                      --tolerance X (default 1e-12 absolute; a float32 file: 1e-5 relative)
                      --precision float64|float32 (default: the file's dtype)
  gradcheck           finite-difference check of every gradient of a model
                      [--experiment FILE.rnn.json (its model; flags override)]  --cell ${CELL_CHOICES}  --equations "…; …"
                      --activation sigmoid|tanh|relu  --coupled
                      --hidden N  --layers L  --residual  --input D  --steps T  --batch B
                      --readout last|every  --loss mse|binary|softmax  --outputs P  --seed S  --tolerance X (default 1e-5)
  horizon             each cell's memory horizon: the longest length it solves (validation loss below 10% of the
                      naive baseline's)   [--task adding|copy|order] [--lengths 10,20,50,100]
                      [--cells vanilla,lstm,gru,gated] [--epochs N] [--hidden N] [--count N] [--seed S]
  examples            the chapter's worked examples computed by the engine, with the erratum
  chapter             every claim of the chapter measured on a small budget (about a minute): the tiny RNN, the
                      scalar bound, the memory horizon, gates holding state, ReLU's dead units, residual stacks
  bench               workload W1 on this engine and its peers (tfjs cpu, tfjs wasm, PyTorch) side by side,
                      then CSV ingestion (2 million rows × 5 columns) against csv-parse and papaparse,
                      then the peak memory of training one epoch on a 2-million-row (104 MB) numeric file
                      --cells lstm,gru,rnn  --hidden 32,128  --precision float64,float32  --threads 1,N (default: 1
                      and every core)  --repeats N  --min-seconds S  --peers a,b  --quick
                      --csv-rows N (0: skip ingestion)  --memory-mb M (0: skip training memory)  --only w1|csv|memory

Every command takes --json (one JSON object on stdout) and --help.
Exit codes: 0 success, 1 a check failed, 2 bad usage.`;

const str = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const OPTIONS = {
  golden: { tolerance: str, precision: str },
  gradcheck: {
    experiment: str, cell: str, equations: str, activation: str, coupled: flag, hidden: str, layers: str, residual: flag, input: str, steps: str,
    batch: str, readout: str, loss: str, outputs: str, seed: str, tolerance: str, 'max-per-tensor': str,
  },
  examples: {},
  train: { ...DATA_OPTIONS, ...MODEL_OPTIONS, save: str, force: flag, resume: str, threads: str },
  verify: { ...DATA_OPTIONS, ...MODEL_OPTIONS, model: str, sequence: str, layer: str, norm: str, epsilon: str },
  compare: { ...DATA_OPTIONS, ...MODEL_OPTIONS, cells: str, threads: str },
  predict: { missing: str, model: str, out: str, force: flag },
  export: { out: str, force: flag, training: flag },
  'make-task': { length: str, count: str, seed: str, out: str, force: flag, variant: str },
  horizon: { task: str, lengths: str, cells: str, epochs: str, hidden: str, count: str, seed: str },
  chapter: {},
  bench: { cells: str, hidden: str, precision: str, threads: str, repeats: str, 'min-seconds': str, peers: str, quick: flag, 'csv-rows': str, 'memory-mb': str, only: str },
} as const;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '__bench-engine') {
    console.log(JSON.stringify(runW1(JSON.parse(rest[0] ?? '{}') as W1Args)));
    return EXIT.ok;
  }
  if (command === '__bench-csv') {
    runCsvBenchChild(rest[0] ?? '{}');
    return EXIT.ok;
  }
  if (command === '__bench-train') {
    await runTrainBenchChild(rest[0] ?? '{}');
    return EXIT.ok;
  }
  if (!(command in OPTIONS)) throw new UsageError(`unknown command "${command}" (train, verify, compare, predict, export, make-task, golden, gradcheck, examples, bench)`);
  const spec = OPTIONS[command as keyof typeof OPTIONS];
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...spec, json: flag, help: flag }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
  const v = parsed.values as Values;
  const pos = parsed.positionals;
  if (v.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const json = v.json === true;
  let result: { pass: boolean; report: unknown; text: string };
  const oneFile = (what: string): string => {
    if (pos.length !== 1) throw new UsageError(`${command} needs exactly one ${what}${pos.length > 1 ? `; got ${pos.length}: ${pos.join(' ')}` : ''}`);
    return pos[0];
  };
  switch (command) {
    case 'train':
      result = await trainCommand(oneFile('CSV or experiment file'), v, json);
      break;
    case 'verify':
      result = await verifyCommand(oneFile('CSV or experiment file'), v, json);
      break;
    case 'compare':
      result = await compareCommand(oneFile('CSV or experiment file'), v, json);
      break;
    case 'predict':
      result = await predictCommand(oneFile('CSV or experiment file'), v, json);
      break;
    case 'export':
      result = await exportCommand(oneFile('model file (from train --save)'), v, json);
      break;
    case 'make-task':
      result = makeTaskCommand(oneFile('task name (adding, copy, order, sessions)'), v);
      break;
    case 'horizon':
      if (pos.length) throw new UsageError(`horizon takes no file; got "${pos[0]}"`);
      result = horizonCommand(v, json);
      break;
    case 'chapter':
      if (pos.length) throw new UsageError(`chapter takes no file; got "${pos[0]}"`);
      result = chapterCommand(v, json);
      break;
    case 'golden': {
      if (pos.length !== 1) throw new UsageError('golden needs exactly one FILE (a torch-golden.json style reference)');
      result = goldenCommand(pos[0], v.tolerance === undefined ? undefined : numOpt(v, 'tolerance', 1e-12), v.precision === undefined ? undefined : choice(v, 'precision', 'float64', ['float64', 'float32'] as const));
      break;
    }
    case 'gradcheck': {
      if (pos.length) throw new UsageError(`gradcheck takes no file (an experiment's model: --experiment FILE); got "${pos[0]}"`);
      // the model settings of an experiment file, the flags over them
      const m = typeof v.experiment === 'string' ? settingsFor(v.experiment, {}).experiment.model : null;
      result = gradcheckCommand({
        cell: choice(v, 'cell', equationsFlag(v) && v.cell === undefined ? 'custom' : m?.cell ?? 'lstm', [...CELL_KINDS, 'custom'] as const),
        equations: equationsFlag(v) ?? m?.equations,
        activation: choice(v, 'activation', m?.activation ?? 'tanh', ['sigmoid', 'tanh', 'relu'] as const),
        coupled: v.coupled === true || (v.coupled === undefined && m?.coupled === true),
        hidden: intOpt(v, 'hidden', m?.hiddenSize ?? 8, 1, 512),
        layers: intOpt(v, 'layers', m?.layers ?? 1, 1, 16),
        residual: v.residual === true || (v.residual === undefined && m?.residual === true),
        input: intOpt(v, 'input', 3, 1, 256),
        steps: intOpt(v, 'steps', 6, 1, 1000),
        batch: intOpt(v, 'batch', 3, 1, 64),
        readout: choice(v, 'readout', 'last', ['last', 'every'] as const),
        loss: choice(v, 'loss', 'mse', ['mse', 'binary', 'softmax'] as const),
        outputs: intOpt(v, 'outputs', 2, 1, 64),
        seed: intOpt(v, 'seed', 0, 0, 2 ** 31 - 1),
        tolerance: numOpt(v, 'tolerance', 1e-5),
        maxPerTensor: intOpt(v, 'max-per-tensor', 0, 0, 1e9),
      });
      break;
    }
    case 'examples':
      if (pos.length) throw new UsageError(`examples takes no arguments; got "${pos[0]}"`);
      result = examplesCommand();
      break;
    case 'bench': {
      const quick = v.quick === true;
      const cells = list(v, 'cells', quick ? ['lstm', 'gru'] : ['rnn', 'lstm', 'gru']);
      for (const c of cells) if (!['rnn', 'lstm', 'gru'].includes(c)) throw new UsageError(`--cells: unknown cell "${c}" (rnn, lstm, gru)`);
      const hidden = list(v, 'hidden', ['32', '128']).map((h) => {
        const n = Number(h);
        if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError(`--hidden: "${h}" is not a size from 1 to 1024`);
        return n;
      });
      const only = choice(v, 'only', 'all', ['all', 'w1', 'csv', 'memory'] as const);
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const w1 = only === 'csv' || only === 'memory' ? null : benchCommand({
        cells: cells as ('rnn' | 'lstm' | 'gru')[],
        hidden,
        precisions: list(v, 'precision', ['float64', 'float32']).map((p) => {
          if (p !== 'float64' && p !== 'float32') throw new UsageError(`--precision: "${p}" is not float64 or float32`);
          return p;
        }),
        threads: [...new Set(list(v, 'threads', ['1', String(threadCount(null))]).map((t) => {
          const n = Number(t);
          if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads: "${t}" is not a count from 1 to 64`);
          return n;
        }))],
        repeats: intOpt(v, 'repeats', quick ? 1 : 3, 1, 50),
        minSeconds: numOpt(v, 'min-seconds', quick ? 0.5 : 1),
        peers: v.peers === undefined ? null : list(v, 'peers', []),
        log,
      });
      const csvRows = intOpt(v, 'csv-rows', quick ? 200000 : 2000000, 0, 50000000);
      const csv = only === 'w1' || only === 'memory' || csvRows === 0 ? null : benchCsvIngest({ rows: csvRows, log, repeats: quick ? 1 : 3 });
      const memoryMb = intOpt(v, 'memory-mb', quick ? 30 : 104, 0, 100000);
      const memory = only === 'w1' || only === 'csv' || memoryMb === 0 ? null : benchTrainMemory({ megabytes: memoryMb, log });
      result = {
        pass: true,
        report: { w1: w1?.report ?? null, csv: csv?.rows ?? null, memory: memory?.row ?? null },
        text: [w1?.text, csv ? `CSV ingestion, ${csvRows.toLocaleString('en')} rows × 5 numeric columns (each parser in its own process):\n${csv.text}` : null, memory?.text].filter(Boolean).join('\n\n'),
      };
      break;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
  console.log(json ? JSON.stringify(result.report) : result.text);
  return result.pass ? EXIT.ok : EXIT.checkFailed;
}

// fused multiply-adds in the kernels' products where the CPU has them (Node 20 has relaxed SIMD behind a flag)
configureProducts();

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`rnn-playground: ${e.message}`);
      process.exitCode = EXIT.usage;
    } else {
      console.error(`rnn-playground: internal error: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 3;
    }
  },
);
