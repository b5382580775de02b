// Benchmark peer: training throughput of workload W1 in TensorFlow.js.
//
// W1: batch 32 x 100 time steps x 2 inputs -> one recurrent layer (rnn|lstm|gru,
// H hidden units) -> dense(1) on the last hidden state, MSE loss, Adam(1e-3),
// full BPTT. One "step" = one model.trainOnBatch() call (forward + backward +
// Adam update) on the same fixed batch.
//
// Usage:
//   node bench/peers/tfjs.mjs '{"backend":"cpu","cell":"lstm","hidden":32}'
//   node bench/peers/tfjs.mjs '{"backend":"wasm","cell":"gru","hidden":128,"repeats":3}'
//
// Prints exactly one JSON line on stdout. Anything libraries print goes to stderr.
// On failure prints {"peer":...,"error":"..."} and exits with status 1.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const DEFAULTS = {
  backend: 'cpu',
  cell: 'lstm',
  hidden: 32,
  batch: 32,
  steps: 100,
  input: 2,
  warmup: 2,
  repeats: 5,
  minSeconds: 1.0,
  seed: 1234,
};

// Keep stdout clean for the single JSON result line: route library chatter to stderr.
const writeResult = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

let peerName = 'tfjs';

function fail(message) {
  writeResult({ peer: peerName, error: String(message) });
  process.exit(1);
}

process.on('unhandledRejection', (e) => fail(e && e.stack ? e.stack : e));
process.on('uncaughtException', (e) => fail(e && e.stack ? e.stack : e));

function parseConfig() {
  let user = {};
  if (process.argv[2] !== undefined && process.argv[2].trim() !== '') {
    try {
      user = JSON.parse(process.argv[2]);
    } catch (e) {
      throw new Error(`argument is not valid JSON: ${e.message}`);
    }
    if (user === null || typeof user !== 'object' || Array.isArray(user)) {
      throw new Error('argument must be a JSON object');
    }
  }
  const cfg = { ...DEFAULTS, ...user };
  if (cfg.backend !== 'cpu' && cfg.backend !== 'wasm') {
    throw new Error(`backend must be "cpu" or "wasm", got ${JSON.stringify(cfg.backend)}`);
  }
  peerName = `tfjs-${cfg.backend}`;
  if (!['rnn', 'lstm', 'gru'].includes(cfg.cell)) {
    throw new Error(`cell must be "rnn", "lstm" or "gru", got ${JSON.stringify(cfg.cell)}`);
  }
  for (const k of ['hidden', 'batch', 'steps', 'input', 'repeats']) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new Error(`${k} must be a positive integer`);
  }
  if (!Number.isInteger(cfg.warmup) || cfg.warmup < 0) throw new Error('warmup must be an integer >= 0');
  if (typeof cfg.minSeconds !== 'number' || !(cfg.minSeconds >= 0)) {
    throw new Error('minSeconds must be a number >= 0');
  }
  return cfg;
}

// Small deterministic PRNG (mulberry32) so every run uses the same data.
function makeRng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  // Validate args before loading tfjs so a bad argument yields a clean error quickly.
  const cfg = parseConfig();
  const notes = [];

  const tf = await import('@tensorflow/tfjs');
  const extra = {};

  if (cfg.backend === 'wasm') {
    const require = createRequire(import.meta.url);
    let wasmMain;
    try {
      wasmMain = require.resolve('@tensorflow/tfjs-backend-wasm');
    } catch {
      throw new Error('@tensorflow/tfjs-backend-wasm is not installed');
    }
    const wasmDir = path.dirname(wasmMain) + path.sep; // .../tfjs-backend-wasm/dist/
    const names = [
      'tfjs-backend-wasm.wasm',
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
    ];
    const missing = names.filter((n) => !existsSync(wasmDir + n));
    if (missing.length > 0) throw new Error(`wasm binaries missing in ${wasmDir}: ${missing.join(', ')}`);

    const wasmMod = await import('@tensorflow/tfjs-backend-wasm');
    // Under Node, emscripten reads the binary with fs.readFileSync from this
    // plain filesystem directory (no fetch, no network).
    wasmMod.setWasmPaths(wasmDir);
    if (typeof wasmMod.setThreadsCount === 'function') {
      wasmMod.setThreadsCount(1);
    } else {
      notes.push('setThreadsCount not available');
    }
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    if (!ok || tf.getBackend() !== 'wasm' || !(tf.backend() instanceof wasmMod.BackendWasm)) {
      throw new Error(
        `could not initialise the wasm backend from ${wasmDir} (tf.getBackend() = ${tf.getBackend()})`,
      );
    }
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threadsSupported = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    extra.wasmVersion = wasmMod.version_wasm;
    extra.wasmSimd = Boolean(simd);
    extra.wasmMultithread = Boolean(threadsSupported);
    extra.wasmBinary =
      simd && threadsSupported
        ? 'tfjs-backend-wasm-threaded-simd.wasm'
        : simd
          ? 'tfjs-backend-wasm-simd.wasm'
          : 'tfjs-backend-wasm.wasm';
    if (typeof wasmMod.getThreadsCount === 'function') {
      extra.threads = wasmMod.getThreadsCount();
    }
  } else {
    const ok = await tf.setBackend('cpu');
    await tf.ready();
    if (!ok || tf.getBackend() !== 'cpu') {
      throw new Error(`could not initialise the cpu backend (tf.getBackend() = ${tf.getBackend()})`);
    }
    extra.threads = 1; // pure JS kernels on the main thread
  }

  const { cell, hidden: H, batch: B, steps: T, input: I } = cfg;
  const tSetup0 = performance.now();

  // ---- model -------------------------------------------------------------
  // Weights are initialised like PyTorch's nn.RNN/LSTM/GRU/Linear defaults,
  // U(-1/sqrt(fan), 1/sqrt(fan)), instead of tfjs's orthogonal recurrent
  // initializer, which is very slow to construct on the cpu backend (QR in JS;
  // ~17 s for H=128 GRU) and does not affect the cost of a training step.
  const uni = (fan, salt) => {
    const a = 1 / Math.sqrt(fan);
    return tf.initializers.randomUniform({ minval: -a, maxval: a, seed: cfg.seed + salt });
  };
  const recurrentInit = () => ({
    kernelInitializer: uni(H, 1),
    recurrentInitializer: uni(H, 2),
    biasInitializer: uni(H, 3),
  });
  const common = { units: H, inputShape: [T, I], ...recurrentInit() };
  let recurrent;
  if (cell === 'rnn') {
    recurrent = tf.layers.simpleRNN({ ...common, activation: 'tanh' });
  } else if (cell === 'lstm') {
    recurrent = tf.layers.lstm({ ...common, unitForgetBias: false });
  } else {
    try {
      recurrent = tf.layers.gru({ ...common, resetAfter: true });
      extra.gruResetAfter = true;
    } catch (e) {
      recurrent = tf.layers.gru({ ...common });
      extra.gruResetAfter = false;
      notes.push(
        'GRU resetAfter:true not supported by tfjs-layers ' +
          `(${e && e.message ? e.message : e}); using resetAfter:false ` +
          '(reset gate applied before the recurrent matmul; same matmul sizes/FLOPs as PyTorch GRU)',
      );
    }
  }
  const model = tf.sequential();
  model.add(recurrent); // returnSequences=false -> last hidden state only
  model.add(tf.layers.dense({ units: 1, kernelInitializer: uni(H, 4), biasInitializer: uni(H, 5) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  extra.params = model.countParams();

  // ---- data (fixed batch, reused every step) -----------------------------
  const rng = makeRng(cfg.seed);
  const xData = new Float32Array(B * T * I);
  for (let i = 0; i < xData.length; i++) xData[i] = rng();
  const yData = new Float32Array(B);
  for (let i = 0; i < yData.length; i++) yData[i] = rng();
  const x = tf.tensor3d(xData, [B, T, I], 'float32');
  const y = tf.tensor2d(yData, [B, 1], 'float32');

  // One training step; trainOnBatch resolves only after the loss has been
  // downloaded from the backend, so the step's work is complete.
  let lastLoss = NaN;
  const step = async () => {
    const loss = await model.trainOnBatch(x, y);
    lastLoss = Array.isArray(loss) ? loss[0] : loss;
    if (typeof lastLoss !== 'number') throw new Error('trainOnBatch did not return a numeric loss');
  };

  const tWarm0 = performance.now();
  for (let i = 0; i < cfg.warmup; i++) await step();
  const tWarm1 = performance.now();
  const tensorsAfterWarmup = tf.memory().numTensors;
  const firstLoss = lastLoss;

  const stepsPerSec = [];
  const minMs = cfg.minSeconds * 1000;
  for (let r = 0; r < cfg.repeats; r++) {
    let n = 0;
    const t0 = performance.now();
    let elapsed = 0;
    do {
      await step();
      n++;
      elapsed = performance.now() - t0;
    } while (elapsed < minMs);
    stepsPerSec.push(n / (elapsed / 1000));
  }

  if (!Number.isFinite(lastLoss)) throw new Error(`loss is not finite (${lastLoss})`);
  const leaked = tf.memory().numTensors - tensorsAfterWarmup;
  if (leaked !== 0) notes.push(`tensor count changed by ${leaked} during timing`);

  x.dispose();
  y.dispose();

  writeResult({
    peer: peerName,
    cell,
    hidden: H,
    batch: B,
    steps: T,
    input: I,
    stepsPerSec,
    backend: tf.getBackend(),
    version: tf.version.tfjs,
    ...extra,
    loss: { afterWarmup: firstLoss, final: lastLoss },
    setupSeconds: (tWarm0 - tSetup0) / 1000,
    warmupSeconds: (tWarm1 - tWarm0) / 1000,
    notes: notes.join('; '),
  });
}

main().then(
  () => process.exit(0),
  (e) => fail(e && e.message ? e.message : e),
);
