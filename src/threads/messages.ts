/** The messages between the pool (src/threads/pool.ts) and a helper thread (src/threads/helper.ts). */
import type { ModelConfig, Precision, Sample, ShardOutcome, ShardTask } from '../engine/index';

/** From the pool to a helper. */
export type HelperRequest =
  /** A run starts: its network, its shared weights (updated before every update) and its training samples. */
  | { type: 'open'; config: ModelConfig; theta: Float64Array; samples: Sample[]; precision: Precision; fma: boolean }
  /** This helper's shards of one update. */
  | { type: 'run'; tasks: { shard: number; task: ShardTask }[] }
  /** The run ended: drop its samples and buffers. */
  | { type: 'close' };

/** From a helper to the pool: one answer per request. */
export type HelperReply =
  | { type: 'opened' }
  /** Each shard's outcome, and its gradient in a shared buffer the helper reuses for the next update. */
  | { type: 'ran'; results: { shard: number; outcome: ShardOutcome; grads: Float64Array }[] }
  | { type: 'closed' }
  | { type: 'error'; message: string };
