/** The README.md of a PyTorch training project. */
import { basename } from 'node:path';
import type { ModelConfig } from '../../engine/index';

/** What the project holds and how to run it, for the model `modelFile` trained on `csv` for `epochs` epochs. */
export function trainingReadme(o: { modelFile: string; csv: string; config: ModelConfig; epochs: number; folder: string }): string {
  const c = o.config;
  return [
    `# ${basename(o.modelFile)} — its training, in PyTorch`,
    '',
    `Exported by RNN Playground: a ${c.layers}-layer ${c.cell} network of ${c.hiddenSize} units, trained for ${o.epochs} epoch${o.epochs === 1 ? '' : 's'} on \`${o.csv}\`.`,
    '',
    '| File | What it is |',
    '|---|---|',
    '| `model.py` | the network in PyTorch (float64); `python3 model.py --input in.json` runs it |',
    '| `state_dict.json` | the trained weights (the playground\'s) |',
    '| `initial_state_dict.json` | the weights the run started from |',
    '| `data.py` | reads the CSV as the playground read it: the same columns, gaps, transforms, windows, split and training-set scaling |',
    '| `training.json` | what the playground decided about the data, the optimiser, and every epoch\'s batch order and losses |',
    '| `train.py` | trains as the playground did |',
    '| `model.json` | the playground\'s model file |',
    '',
    '## Train',
    '',
    'Needs Python 3 and PyTorch (any recent version; CPU is enough).',
    '',
    '```sh',
    'python3 data.py                 # reads the CSV; checks the samples against the record',
    'python3 train.py --check        # replays the run; every epoch\'s losses must equal the playground\'s (to 1e-9)',
    'python3 train.py --epochs 100   # trains longer; writes trained_state_dict.json',
    '```',
    '',
    'The CSV is looked for where the playground read it, then at the same place relative to this folder; `--csv PATH`',
    'names another copy (it must hold the same data: the check says so when it does not).',
    '',
    '## Scale up with PyTorch',
    '',
    '```sh',
    'python3 train.py --world-size 4                 # DistributedDataParallel, gloo, 4 local processes',
    'torchrun --nproc-per-node 4 train.py            # the same under torchrun, where it runs',
    '```',
    '',
    'Each batch is split between the processes and each one\'s loss is its share of the whole batch\'s, so the averaged',
    'gradient is the whole batch\'s: any number of processes trains the same model, to rounding (`--check` works too).',
    'On several machines, start `train.py` under `torchrun` (or set `RANK`, `WORLD_SIZE`, `MASTER_ADDR`, `MASTER_PORT`',
    'yourself) with the same folder on each.',
    '',
  ].join('\n');
}
