/**
 * The engine's public API: pure TypeScript numerics for recurrent networks (no vscode, no node:*, no DOM).
 * Build a model with createModel(modelConfig({...})), train it with train(), analyse it with analyseBound(),
 * gradientProfile() and gradCheck(), and save it with modelToJson() / modelFromJson().
 */
export { createRng, type Rng, type RngState } from './rng';
export { extraStateWidth } from './bptt';
export {
  CELLS, CELL_KINDS, cellOf, cellFor, isCellKind, variantOf, cellVariants, stateCount,
  type CellDescriptor, type CellVariant, type EquationLine, type BuiltinCellKind,
} from './cells/index';
export {
  parseCell, checkCell, cellTex, compileCell, additivePath, EquationError, problemText, EQUATION_PRESETS,
  type EquationProblem, type CellSpec, type CellProgram, type EquationPreset,
} from './cells/custom/index';
export {
  modelConfig, gateCount,
  type ModelConfig, type CellKind, type Activation, type Readout, type LossKind, type InitKind,
} from './config';
export { createModel, type Model, type CreateModelOptions } from './model';
export { paramLayout, type ParamLayout, type TensorSpec } from './params';
export { orthogonal } from './init';
export {
  createWorkspace, forwardStack, backwardStack, finalState, workspaceBytes,
  type Batch, type StackState, type Workspace, type BackwardOptions,
} from './bptt';
export { headForward, headLoss, type HeadResult } from './head';
export { packBatch, type Sample, type PackedBatch } from './batch';
export { createOptimizer, type Optimizer, type OptimizerConfig, type OptimizerKind, type OptimizerState, type StepStats } from './optim';
export {
  SHARD_SIZE, shardRanges, runShard, runUpdate, shardContext, localShards,
  type ShardExecutor, type ShardTask, type ShardOutcome, type ShardContext, type LocalShards,
} from './shards';
export { train, evaluate, type TrainOptions, type TrainResult, type EpochRecord, type TrainStatus, type TrainCheckpoint } from './train';
export {
  modelToJson, modelFromJson, checkpointFromJson, toStateDict, loadStateDict, type ModelJson, type NestedNumbers, type CheckpointJson,
} from './serialize';
export { stepJacobian, forEachProduct, stateSize } from './analysis/jacobian';
export { analyseBound, type BoundReport, type BoundOptions } from './analysis/bound';
export { spectralNorm, spectralRadius, symmetricEigenvalues } from './analysis/spectral';
export { gradCheck, randomGradCheck, batchLoss, type GradCheckReport, type GradCheckOptions, type GradCheckEntry, type GradCheckSpec } from './analysis/gradcheck';
export { gradientProfile, type GradientProfile } from './analysis/gradients';
export { runGolden, type GoldenReport, type GoldenCaseReport } from './golden';
export { chapterExamples, tinyRnn, scalarChain, CHAPTER_TINY_RNN, type ChapterExamples, type TinyRnnParams, type TinyRnnResult, type ScalarRow } from './examples';
export { gemmNT } from './linalg';
export { setPrecision, setFmaEnabled, fmaAvailable, fmaInUse, type Precision } from './kernels/simd';
export { torchScript, type TorchScriptOptions } from './exportTorch';
export { gatesOverTime, type GateSeries } from './analysis/gates';
