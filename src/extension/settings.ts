/** The extension's settings (`rnnPlayground.*`), read fresh on every use so changes apply without a reload. */
import * as vscode from 'vscode';
import type { ExperimentPatch } from '../data/experiment';

const SECTION = 'rnnPlayground';

/**
 * Model and training defaults from the settings, applied where an experiment file says nothing. A setting left empty
 * (null: epochs, batch size) leaves the built-in default, which chooses from the data.
 */
export function experimentDefaults(): ExperimentPatch {
  const c = vscode.workspace.getConfiguration(SECTION);
  const patch: ExperimentPatch = {
    model: {
      cell: c.get('defaults.cell'), hiddenSize: c.get('defaults.hiddenSize'), layers: c.get('defaults.layers'),
      activation: c.get('defaults.activation'), init: c.get('defaults.init'),
    },
    training: {
      epochs: c.get('defaults.epochs'), learningRate: c.get('defaults.learningRate'), batchSize: c.get('defaults.batchSize'),
      optimizer: c.get('defaults.optimizer'), clip: c.get('defaults.clip'), seed: c.get('defaults.seed'),
      precision: c.get('defaults.precision'),
    },
  };
  for (const section of [patch.model, patch.training] as Record<string, unknown>[]) {
    for (const [k, v] of Object.entries(section)) if (v === null) delete section[k];
  }
  return patch;
}

/** Whether trained models are saved next to their experiment or CSV. */
export function saveModels(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get('saveModels', true);
}

/** Seconds without word from the engine before it is considered stuck and replaced. */
export function stuckTimeoutMs(): number {
  return Math.max(1, vscode.workspace.getConfiguration(SECTION).get('engine.stuckTimeoutSeconds', 120)) * 1000;
}

/** The setting engine.threads: threads a training uses (0: automatic, every core but one). */
export function engineThreads(): number {
  const n = vscode.workspace.getConfiguration(SECTION).get<number>('engine.threads', 0);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 64) : 0;
}

/** Whether to reveal the playground when a workspace with experiments opens. */
export function showOnStartup(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get('showPlaygroundOnStartup', false);
}
