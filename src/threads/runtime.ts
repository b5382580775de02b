/**
 * What the engine's kernels may use in this Node runtime. Relaxed SIMD (fused multiply-adds in the products) ships in
 * Chrome and Electron since 114; Node 20 has it behind a V8 flag, which the CLI and the engine worker turn on for
 * themselves before the kernel is compiled. Where the runtime refuses it, the kernels run without it.
 */
import { setFlagsFromString } from 'node:v8';
import { setFmaEnabled } from '../engine/index';

/** (module (func (export "f") (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))) */
const RELAXED_MADD = Uint8Array.from([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0,
  10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]);

const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

/**
 * Sets up this thread's products: fused multiply-adds where the runtime has relaxed SIMD (turning Node's flag on),
 * unless RNN_PLAYGROUND_FMA=0, which keeps every product unfused (the same bits as on a runtime without relaxed SIMD).
 * The CLI and the engine worker call it first thing; the training threads follow their caller.
 */
export function configureProducts(env: Record<string, string | undefined> = process.env): boolean {
  const on = env.RNN_PLAYGROUND_FMA !== '0' && enableRelaxedSimd();
  setFmaEnabled(on);
  return on;
}

/** Turns on WebAssembly relaxed SIMD when the runtime has it behind a flag; returns whether it is on. */
export function enableRelaxedSimd(): boolean {
  if (wasm.validate(RELAXED_MADD)) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return wasm.validate(RELAXED_MADD);
}
