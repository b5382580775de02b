/**
 * Claim c of the Chapter Lab (and of `rnn-playground chapter`): on the adding problem, with one budget, the vanilla
 * tanh RNN's memory horizon is shorter than the LSTM's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { horizonClaim } from '../../src/data/chapter';
import { HORIZON_BUDGET } from '../../src/data/horizon';

test('c: the vanilla tanh RNN solves fewer lengths of the adding problem than the LSTM (horizon 10 vs 20 or more)', () => {
  const c = horizonClaim([10, 20], { ...HORIZON_BUDGET, epochs: 15, train: 800 }, [{ cell: 'vanilla', activation: 'tanh' }, { cell: 'lstm' }]);
  const [vanilla, lstm] = c.report.cells;
  assert.equal(vanilla.cell, 'vanilla');
  assert.ok(lstm.horizon >= 20, `LSTM horizon ${lstm.horizon}: ${JSON.stringify(lstm.results)}`);
  assert.ok(vanilla.horizon < lstm.horizon, `vanilla ${vanilla.horizon} vs LSTM ${lstm.horizon}`);
  assert.ok(c.held);
  assert.match(c.sentence, /^Holds: horizons .* vanilla tanh (none|10 steps), lstm 20 steps/);
});
