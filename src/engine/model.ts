/** A model: configuration, flat parameter layout and the parameter buffer θ. */
import { validateConfig, type ModelConfig } from './config';
import { initialise, type InitOptions } from './init';
import { paramLayout, type ParamLayout } from './params';
import { createRng } from './rng';

/** A recurrent model with its head. θ is the flat parameter buffer described by `layout`. */
export interface Model {
  config: ModelConfig;
  layout: ParamLayout;
  theta: Float64Array;
}

/** Options for createModel(). */
export interface CreateModelOptions extends Partial<InitOptions> {
  seed?: number;
}

/** Builds and initialises a model (default init: PyTorch's U(±1/√m); IRNN for identity). */
export function createModel(config: ModelConfig, opts: CreateModelOptions = {}): Model {
  validateConfig(config);
  const layout = paramLayout(config);
  const theta = new Float64Array(layout.total);
  initialise(config, layout, theta, createRng(opts.seed ?? 0), {
    kind: opts.kind ?? 'pytorch',
    forgetBias1: opts.forgetBias1,
    identityScale: opts.identityScale,
  });
  return { config, layout, theta };
}
