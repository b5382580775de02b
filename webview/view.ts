/**
 * What a panel view is: a function from the panel's context to its DOM. webview/panel.ts keeps one table of them,
 * `Record<PanelTab, View>`, so a tab without a view (or a view without a tab) does not compile.
 */
import type { EpochPoint, ExperimentChange, FromWebview, PanelState } from '../src/shared/protocol';
import { el } from './ui';
import { button, progressRing, type ButtonKind } from './components/index';

/** What every view may read and do. */
export interface PanelContext {
  state: PanelState;
  /** The epochs to draw: the run in progress, or the latest run's. */
  history: EpochPoint[];
  /** The number of sequences of the data, once read. */
  sequences: number | null;
  post(msg: FromWebview): void;
  edit(changes: ExperimentChange[]): void;
  selectSequence(k: number): void;
}

/** A panel view. */
export type View = (ctx: PanelContext) => HTMLElement;

/** The run buttons under a view: Train (or Stop), Step One Epoch, Continue Training (after a run), Verify Bound, Compare Cells. */
export function actions(ctx: PanelContext): HTMLElement {
  const bar = el('div', { className: 'actions' });
  const add = (label: string, command: Extract<FromWebview, { type: 'command/run' }>['command'], kind: ButtonKind = 'secondary'): void => {
    bar.append(button(label, { kind, onClick: () => ctx.post({ type: 'command/run', command }) }));
  };
  if (ctx.state.running) {
    add('Stop', 'rnnPlayground.stopTraining', 'primary');
    bar.append(progressRing('Training'));
  } else {
    add('Train', 'rnnPlayground.trainCurrentFile', 'primary');
    add('Step One Epoch', 'rnnPlayground.stepEpoch');
    if (ctx.state.run?.modelFile) add('Continue Training', 'rnnPlayground.continueTraining');
  }
  add('Verify Bound', 'rnnPlayground.verifyBound');
  add('Compare Cells', 'rnnPlayground.compareCells');
  return bar;
}
