/** The status-bar item: epoch and loss while training (click to stop), the latest result afterwards. */
import * as vscode from 'vscode';
import type { RunSummary } from '../shared/protocol';
import { fmt } from './format';

/** One status-bar item owned by the extension. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rnnPlayground.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'RNN Playground';
  }

  /** While a run trains. */
  training(epoch: number | null, message: string, loss: number | null): void {
    this.item.text = `$(sync~spin) RNN ${epoch !== null ? `epoch ${epoch}` : 'training'}${loss !== null ? ` · loss ${fmt(loss)}` : ''}`;
    this.item.tooltip = `${message}\nClick to stop training (the partial result is kept).`;
    this.item.command = 'rnnPlayground.stopTraining';
    this.item.show();
  }

  /** After a run. */
  result(s: RunSummary): void {
    this.item.text = `$(pulse) RNN ${s.cell} · val ${fmt(s.valLoss)}`;
    this.item.tooltip = `${s.status} after ${s.epochs} epoch(s); validation loss ${fmt(s.valLoss)} vs baseline ${fmt(s.baselineLoss)} (${s.baseline}). Click for details.`;
    this.item.command = 'rnnPlayground.showOutput';
    this.item.show();
  }

  /** Nothing to show. */
  idle(): void {
    this.item.text = '';
    this.item.hide();
  }

  /** The item's current text (for tests). */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
