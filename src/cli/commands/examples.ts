/** `rnn-playground examples`: the chapter's worked examples computed by the engine, with the erratum. */
import { chapterExamples } from '../../engine/index';
import { num, table } from '../format';

/** Computes and formats the examples. */
export function examplesCommand() {
  const e = chapterExamples();
  const t = e.tinyRnn;
  const f6 = (v: number): string => v.toFixed(6);
  const text = [
    'Tiny RNN (m = 2): W_h = [[0.5, 0.1], [0.1, 0.5]], W_x = [0.8, −0.3], b = 0, h_0 = 0, x = (0.5, 0.8, 0.6), ŷ = [1, 1]·h_3',
    table(['activation', 'h_1', 'h_2', 'h_3', 'ŷ', 'prediction'], [t.sigmoid, t.tanh].map((r) => [
      r.activation, ...r.h.map((h) => `(${f6(h[0])}, ${f6(h[1])})`), f6(r.yHat), r.prediction,
    ])),
    `Erratum: ${t.erratum}`,
    '',
    `Scalar sigmoid RNN, w_h = ${e.scalar.wh}: each factor σ'(z)·w_h ≤ ${e.scalar.factor}, so ∂h_T/∂h_1 ≤ ${e.scalar.factor}^(T−1)`,
    table(['T', 'bound 0.225^(T−1)', 'measured ∂h_T/∂h_1'], e.scalar.rows.map((r) => [String(r.T), num(r.bound), num(r.measured)])),
    '',
    `Chapter bound with ‖W_h‖ = ${e.chapterBound.normWh}, T − t = ${e.chapterBound.lag}: (‖W_h‖/4)^(T−t) = ${num(e.chapterBound.bound)}`,
  ].join('\n');
  return { pass: true, report: e, text };
}
