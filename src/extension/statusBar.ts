/** The status-bar item: epoch and loss while training (click to stop), the latest result afterwards. */
import * as vscode from 'vscode';
import { plural, type CompareSummary, type RunSummary, type Verdict } from '../shared/protocol';
import { fmt } from './format';

/** A verdict in a few words: "79× better than baseline", "no better than baseline", "worse: 3.2× baseline loss". */
function verdictWords(v: Verdict): string {
  if (v.verdict === 'better') return v.ratio ? `${fmt(1 / v.ratio)}× better than baseline` : 'better than baseline';
  if (v.verdict === 'worse') return `worse: ${v.ratio !== null ? `${fmt(v.ratio)}× baseline loss` : 'above baseline'}`;
  if (v.verdict === 'no better') return 'no better than baseline';
  return v.verdict;
}

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

  /** After a run: its verdict (a check when it beat the baseline, a warning otherwise) and the reason in the tooltip. */
  result(s: RunSummary): void {
    const v = s.verdict;
    const icon = !v ? '$(pulse)' : v.verdict === 'better' ? '$(pass)' : v.verdict === 'diverged' ? '$(error)' : '$(warning)';
    this.item.text = `${icon} RNN ${s.cell} · ${v ? verdictWords(v) : `val ${fmt(s.valLoss)}`}`;
    this.item.tooltip = v
      ? `${v.headline}.${v.reason ? `\nWhy: ${v.reason}.` : ''}${v.hint ? `\nNext: ${v.hint}.` : ''}\n${s.status} after ${plural(s.epochs, 'epoch')}. Click for details.`
      : `${s.status} after ${plural(s.epochs, 'epoch')}; validation loss ${fmt(s.valLoss)} vs baseline ${fmt(s.baselineLoss)} (${s.baseline}). Click for details.`;
    this.item.command = 'rnnPlayground.showOutput';
    this.item.show();
  }

  /** After a comparison: the best cell and whether any beat the baseline. */
  compared(s: CompareSummary): void {
    const best = s.cells.find((r) => r.cell === s.best);
    this.item.text = `${s.anyBetter ? '$(pass)' : '$(warning)'} RNN compare · ${s.anyBetter && best ? `best ${best.cell}${best.verdict ? ` (${verdictWords(best.verdict)})` : ''}` : 'no cell beats the baseline'}`;
    this.item.tooltip = `${s.cells.map((r) => `${r.cell}: ${r.verdict?.verdict ?? '—'}, validation loss ${fmt(r.valLoss)}`).join('\n')}\nbaseline (${s.baseline.kind}): ${fmt(s.baseline.loss)}\nClick for details.`;
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
