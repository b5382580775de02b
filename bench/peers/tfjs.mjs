// Benchmark peer: training throughput of workload W1 in TensorFlow.js.
//
// W1: batch 32 x 100 time steps x 2 inputs -> one recurrent layer (rnn|lstm|gru,
// H hidden units) -> linear head (1 output) on the last hidden state, MSE loss,
// Adam(1e-3), full BPTT. One "step" = forward + backward + Adam update on the
// same fixed batch, with the loss downloaded from the backend.
//
// Two implementations ("impl"):
//   fused  (default) the cell written by hand with tf ops on fused gate
//          matrices, trained with optimizer.minimize (see buildFused below);
//   layers tf.layers simpleRNN/lstm/gru + dense(1), model.trainOnBatch.
//
// Usage:
//   node bench/peers/tfjs.mjs '{"backend":"cpu","cell":"lstm","hidden":32}'
//   node bench/peers/tfjs.mjs '{"backend":"wasm","cell":"gru","hidden":128,"repeats":3}'
//   node bench/peers/tfjs.mjs '{"backend":"wasm","cell":"lstm","impl":"layers"}'
//   node bench/peers/tfjs.mjs '{"backend":"wasm","cell":"lstm","check":true}'
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
  impl: 'fused',
  mmGrad: 'auto',
  check: false,
  checkSteps: 50,
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
  if (cfg.impl !== 'fused' && cfg.impl !== 'layers') {
    throw new Error(`impl must be "fused" or "layers", got ${JSON.stringify(cfg.impl)}`);
  }
  if (!['auto', 'custom', 'tape'].includes(cfg.mmGrad)) {
    throw new Error(`mmGrad must be "auto", "custom" or "tape", got ${JSON.stringify(cfg.mmGrad)}`);
  }
  if (typeof cfg.check !== 'boolean') throw new Error('check must be true or false');
  if (cfg.check && cfg.impl !== 'fused') throw new Error('check is only implemented for impl "fused"');
  if (!Number.isInteger(cfg.checkSteps) || cfg.checkSteps < 2) throw new Error('checkSteps must be an integer >= 2');
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

  // ---- data (fixed batch, reused every step) -----------------------------
  const rng = makeRng(cfg.seed);
  const xData = new Float32Array(B * T * I); // [B, T, I] row-major
  for (let i = 0; i < xData.length; i++) xData[i] = rng();
  const yData = new Float32Array(B);
  for (let i = 0; i < yData.length; i++) yData[i] = rng();

  if (cfg.check) {
    const check = runFusedCheck(tf, cfg, xData);
    writeResult({
      peer: peerName,
      impl: 'fused',
      cell,
      hidden: H,
      batch: B,
      steps: T,
      input: I,
      backend: tf.getBackend(),
      version: tf.version.tfjs,
      ...extra,
      check,
      notes: notes.join('; '),
    });
    if (!check.ok) process.exit(1);
    return;
  }

  const model =
    cfg.impl === 'layers'
      ? buildLayers(tf, cfg, xData, yData, notes, extra)
      : buildFused(tf, cfg, xData, yData, notes, extra);

  // One training step must leave the loss value downloaded from the backend
  // (layers: trainOnBatch resolves with the number; fused: dataSync()), so
  // the step's work is complete when it returns.
  let lastLoss = NaN;
  const step = async () => {
    lastLoss = await model.step();
    if (typeof lastLoss !== 'number') throw new Error('training step did not return a numeric loss');
  };

  const tWarm0 = performance.now();
  for (let i = 0; i < cfg.warmup; i++) await step();
  const tWarm1 = performance.now();
  const tensorsAfterWarmup = tf.memory().numTensors;
  const bytesAfterWarmup = tf.memory().numBytes;
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
  const leakedBytes = tf.memory().numBytes - bytesAfterWarmup;
  if (leakedBytes !== 0) notes.push(`tensor bytes changed by ${leakedBytes} during timing`);

  model.dispose();

  writeResult({
    peer: peerName,
    impl: cfg.impl,
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

// ---- impl "layers": tf.layers model + trainOnBatch -------------------------
function buildLayers(tf, cfg, xData, yData, notes, extra) {
  const { cell, hidden: H, batch: B, steps: T, input: I } = cfg;
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

  const x = tf.tensor3d(xData, [B, T, I], 'float32');
  const y = tf.tensor2d(yData, [B, 1], 'float32');
  return {
    // trainOnBatch resolves only after the loss has been downloaded.
    step: async () => {
      const loss = await model.trainOnBatch(x, y);
      return Array.isArray(loss) ? loss[0] : loss;
    },
    dispose: () => {
      x.dispose();
      y.dispose();
    },
  };
}

// ---- impl "fused": hand-written cell on fused gate matrices ----------------
//
// Layout is "feature-major" (the transpose of the usual batch-major one): the
// state is h[H, B] and the pre-activations are z[G*H, B] = W_x x_t + b + W_h h,
// with the weights stored exactly like PyTorch's weight_ih_l0 [G*H, I] and
// weight_hh_l0 [G*H, H]. The gate blocks are then contiguous rows, so
// tf.split is a plain memory copy (column slices are ~100x slower on the cpu
// backend), and no per-step broadcast is needed:
//  - the bias is folded into the input projection: once per training step W_x
//    and b are concatenated into [G*H, I+1] (inside the tape, so b keeps its
//    own gradient) and every x_t carries a constant row of ones;
//  - GRU's b_hn is tiled to [H, B] once per training step.
// Gate order and equations follow PyTorch:
//   rnn : h = tanh(z)
//   lstm: i,f,g,o = split(z); c = s(f)*c + s(i)*tanh(g); h = s(o)*tanh(c)
//   gru : r,z from s(x_rz + h_rz); n = tanh(x_n + r*(W_hn h + b_hn));
//         h = (1-z)*n + z*h  (computed as n + z*(h-n))
// Gradients come from tfjs autodiff (optimizer.minimize). With mmGrad
// "custom" the recurrent product W_h h alone gets a tf.customGrad whose
// backward uses only untransposed matMuls (W_h^T is formed once per training
// step): tfjs-backend-wasm runs matMul with transposeA/transposeB (what the
// built-in BatchMatMul gradient emits) ~10x slower than the plain product.
function buildFused(tf, cfg, xData, yData, notes, extra) {
  const net = makeFusedNet(tf, cfg);
  const inputs = makeFusedInputs(tf, cfg, xData, yData);
  const optimizer = tf.train.adam(1e-3);
  extra.params = net.params;
  extra.mmGrad = net.customRecurrentGrad ? 'custom' : 'tape';
  notes.push(net.note);
  return {
    step: () => {
      net.beginStep();
      const loss = optimizer.minimize(() => net.loss(inputs), true, net.vars);
      const value = loss.dataSync()[0];
      loss.dispose();
      net.endStep();
      return value;
    },
    dispose: () => {
      inputs.dispose();
      optimizer.dispose();
      net.dispose();
    },
  };
}

// Constant inputs for the fused net: per time step x_t^T with a row of ones
// appended ([I+1, B]), and the targets as [1, B].
function makeFusedInputs(tf, cfg, xData, yData) {
  const { batch: B, steps: T, input: I } = cfg;
  const xs = [];
  for (let t = 0; t < T; t++) {
    const a = new Float32Array((I + 1) * B);
    for (let i = 0; i < I; i++) {
      for (let b = 0; b < B; b++) a[i * B + b] = xData[(b * T + t) * I + i];
    }
    a.fill(1, I * B);
    xs.push(tf.tensor2d(a, [I + 1, B], 'float32'));
  }
  const y = tf.tensor2d(yData, [1, B], 'float32');
  return { xs, y, dispose: () => tf.dispose([...xs, y]) };
}

function makeFusedNet(tf, cfg) {
  const { cell, hidden: H, batch: B, input: I } = cfg;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const GH = G * H;
  const customRecurrentGrad =
    cfg.mmGrad === 'custom' || (cfg.mmGrad === 'auto' && tf.getBackend() === 'wasm');

  // PyTorch-style init U(-1/sqrt(H), 1/sqrt(H)) (head: fan-in H as well).
  const a = 1 / Math.sqrt(H);
  const param = (shape, salt, name) =>
    tf.variable(tf.randomUniform(shape, -a, a, 'float32', cfg.seed + salt), true, `${name}_${salt}_${cfg.seed}`);
  const Wx = param([GH, I], 11, 'W_x'); // = weight_ih_l0
  const Wh = param([GH, H], 12, 'W_h'); // = weight_hh_l0
  // = b_ih + b_hh (one vector, same function); for GRU the n block is b_in only
  const b = param([GH], 13, 'b');
  const bhn = cell === 'gru' ? param([H], 14, 'b_hn') : null; // GRU's b_hh[n] part
  const Wy = param([1, H], 15, 'W_y');
  const by = param([1], 16, 'b_y');
  const vars = [Wx, Wh, b, Wy, by];
  if (bhn) vars.push(bhn);
  const zeros = tf.zeros([H, B], 'float32'); // h_0 = c_0 = 0 (a constant)

  // W_h^T for the custom backward; built outside the tape before each step.
  let WhT = null;
  const recurrentTape = (h) => tf.matMul(Wh, h);
  const recurrentCustom = tf.customGrad((h, W, save) => {
    save([h]);
    return {
      value: tf.matMul(W, h),
      gradFunc: (dz, [hSaved]) => [tf.matMul(WhT, dz), tf.matMul(dz, tf.transpose(hSaved))],
    };
  });
  const recurrent = customRecurrentGrad ? (h) => recurrentCustom(h, Wh) : recurrentTape;

  // Forward pass over the whole sequence -> final hidden state [H, B].
  const run = (xs) => {
    const Wxb = tf.concat([Wx, tf.reshape(b, [GH, 1])], 1); // [GH, I+1]
    const bhnTiled = bhn ? tf.add(tf.reshape(bhn, [H, 1]), zeros) : null;
    let h = zeros;
    let c = zeros;
    for (let t = 0; t < xs.length; t++) {
      const xz = tf.matMul(Wxb, xs[t]); // W_x x_t + b   [GH, B]
      const hz = recurrent(h); // W_h h            [GH, B]
      if (cell === 'rnn') {
        h = tf.tanh(tf.add(xz, hz));
      } else if (cell === 'lstm') {
        const [i, f, g, o] = tf.split(tf.add(xz, hz), 4, 0);
        c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      } else {
        const [xrz, xn] = tf.split(xz, [2 * H, H], 0);
        const [hrz, hn] = tf.split(hz, [2 * H, H], 0);
        const [r, z] = tf.split(tf.sigmoid(tf.add(xrz, hrz)), 2, 0);
        const n = tf.tanh(tf.add(xn, tf.mul(r, tf.add(hn, bhnTiled))));
        h = tf.add(n, tf.mul(z, tf.sub(h, n)));
      }
    }
    return h;
  };
  const loss = ({ xs, y }) => {
    const yHat = tf.add(tf.matMul(Wy, run(xs)), by); // [1, B]
    return tf.mean(tf.squaredDifference(yHat, y));
  };

  const params = GH * I + GH * H + GH + (bhn ? H : 0) + H + 1;
  const note =
    'fused: feature-major state [H,B], weights [G*H,I]/[G*H,H] like PyTorch weight_ih/weight_hh, ' +
    (cell === 'gru' ? 'biases b (=b_ih+b_hh) and b_hn' : 'one bias vector (=b_ih+b_hh)') +
    ', bias folded into the input projection via a ones row, autodiff via optimizer.minimize' +
    (customRecurrentGrad ? ', custom gradient (untransposed matMuls) for W_h h' : '');
  return {
    vars,
    params,
    note,
    customRecurrentGrad,
    loss,
    run,
    beginStep: () => {
      if (customRecurrentGrad) WhT = tf.transpose(Wh);
    },
    endStep: () => {
      if (WhT) WhT.dispose();
      WhT = null;
    },
    dispose: () => {
      tf.dispose([...vars, zeros]);
    },
    get: () => ({ G, Wx, Wh, b, bhn, Wy, by }),
  };
}

// ---- "check": true -- correctness sanity check of the fused net ------------
// 1. loss of the fused tf net vs a plain float64 JS implementation of the same
//    equations with the same (float32) parameters;
// 2. tfjs gradients (autodiff + the custom W_h h gradient when active) vs
//    central finite differences of that float64 loss, for a few entries of
//    every parameter;
// 3. `checkSteps` Adam(1e-3) steps on a learnable target (y = x[:, T-1, 0])
//    must lower the loss.
function runFusedCheck(tf, cfg, xData) {
  const { cell, hidden: H, batch: B, steps: T, input: I } = cfg;
  const yData = new Float32Array(B);
  for (let b = 0; b < B; b++) yData[b] = xData[(b * T + T - 1) * I];
  const net = makeFusedNet(tf, cfg);
  const inputs = makeFusedInputs(tf, cfg, xData, yData);
  const { G, Wx, Wh, b, bhn, Wy, by } = net.get();
  const GH = G * H;
  const named = { W_x: Wx, W_h: Wh, b, W_y: Wy, b_y: by };
  if (bhn) named.b_hn = bhn;
  const p = {};
  for (const [k, v] of Object.entries(named)) p[k] = Float64Array.from(v.dataSync());

  const sig = (v) => 1 / (1 + Math.exp(-v));
  const refLoss = () => {
    let total = 0;
    const z = new Float64Array(GH);
    for (let s = 0; s < B; s++) {
      let h = new Float64Array(H);
      const c = new Float64Array(H);
      for (let t = 0; t < T; t++) {
        const xo = (s * T + t) * I;
        for (let r = 0; r < GH; r++) {
          let acc = p.b[r];
          for (let i = 0; i < I; i++) acc += p.W_x[r * I + i] * xData[xo + i];
          z[r] = acc; // input part incl. bias
        }
        const hz = new Float64Array(GH);
        for (let r = 0; r < GH; r++) {
          let acc = 0;
          for (let k = 0; k < H; k++) acc += p.W_h[r * H + k] * h[k];
          hz[r] = acc;
        }
        const hn = new Float64Array(H);
        for (let k = 0; k < H; k++) {
          if (cell === 'rnn') {
            hn[k] = Math.tanh(z[k] + hz[k]);
          } else if (cell === 'lstm') {
            const ig = sig(z[k] + hz[k]);
            const fg = sig(z[H + k] + hz[H + k]);
            const gg = Math.tanh(z[2 * H + k] + hz[2 * H + k]);
            const og = sig(z[3 * H + k] + hz[3 * H + k]);
            c[k] = fg * c[k] + ig * gg;
            hn[k] = og * Math.tanh(c[k]);
          } else {
            const rg = sig(z[k] + hz[k]);
            const zg = sig(z[H + k] + hz[H + k]);
            const ng = Math.tanh(z[2 * H + k] + rg * (hz[2 * H + k] + p.b_hn[k]));
            hn[k] = (1 - zg) * ng + zg * h[k];
          }
        }
        h = hn;
      }
      let yHat = p.b_y[0];
      for (let k = 0; k < H; k++) yHat += p.W_y[k] * h[k];
      total += (yHat - yData[s]) ** 2;
    }
    return total / B;
  };

  // 1. forward
  const lossRef = refLoss();
  net.beginStep();
  const { value, grads } = tf.variableGrads(() => net.loss(inputs), net.vars);
  net.endStep();
  const lossTf = value.dataSync()[0];
  value.dispose();
  const forwardRelErr = Math.abs(lossTf - lossRef) / Math.abs(lossRef);

  // 2. gradients: 3 entries per parameter (first, middle, last)
  const gradRelErr = {};
  let worstGrad = 0;
  for (const [k, v] of Object.entries(named)) {
    const g = grads[v.name].dataSync();
    let gMax = 0;
    for (let i = 0; i < g.length; i++) gMax = Math.max(gMax, Math.abs(g[i]));
    let worst = 0;
    for (const idx of [...new Set([0, g.length >> 1, g.length - 1])]) {
      const keep = p[k][idx];
      const eps = 1e-6;
      p[k][idx] = keep + eps;
      const up = refLoss();
      p[k][idx] = keep - eps;
      const down = refLoss();
      p[k][idx] = keep;
      const fd = (up - down) / (2 * eps);
      worst = Math.max(worst, Math.abs(g[idx] - fd) / Math.max(gMax, 1e-12));
    }
    gradRelErr[k] = worst;
    worstGrad = Math.max(worstGrad, worst);
  }
  tf.dispose(Object.values(grads));

  // 3. a short training run
  const optimizer = tf.train.adam(1e-3);
  const losses = [];
  for (let s = 0; s < cfg.checkSteps; s++) {
    net.beginStep();
    const l = optimizer.minimize(() => net.loss(inputs), true, net.vars);
    losses.push(l.dataSync()[0]);
    l.dispose();
    net.endStep();
  }
  const lossStart = losses[0];
  const lossEnd = losses[losses.length - 1];
  optimizer.dispose();
  inputs.dispose();
  net.dispose();

  const ok =
    forwardRelErr < 1e-4 && worstGrad < 1e-2 && Number.isFinite(lossEnd) && lossEnd < 0.9 * lossStart;
  return {
    ok,
    mmGrad: net.customRecurrentGrad ? 'custom' : 'tape',
    target: 'y = x[:, T-1, 0]',
    forward: { tfjs: lossTf, float64: lossRef, relErr: forwardRelErr },
    gradRelErr, // max |g_tfjs - g_fd| / max|g_tfjs| over 3 entries per parameter
    train: { steps: cfg.checkSteps, lossStart, lossEnd, ratio: lossEnd / lossStart },
  };
}

main().then(
  () => process.exit(0),
  (e) => fail(e && e.message ? e.message : e),
);
