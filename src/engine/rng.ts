/**
 * Seeded pseudo-random numbers. The engine never calls Math.random: every random draw goes through an Rng so that
 * the same seed and the same configuration give bit-identical weights, batches and losses.
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counter), seeded through splitmix32.
 */

/** A seeded random source. */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Standard normal draw (Box–Muller; the second value is cached). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[];
  /** The generator's whole state (four 32-bit words and the cached normal draw), to save and restore exactly. */
  getState(): RngState;
  setState(s: RngState): void;
}

/** The exact state of an Rng: four unsigned 32-bit words and the spare normal draw (null when none is cached). */
export interface RngState {
  words: [number, number, number, number];
  spare: number | null;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Creates a deterministic generator from an integer seed. */
export function createRng(seed: number): Rng {
  const mix = splitmix32(Math.floor(seed) ^ 0x5eed1234);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix() | 1;
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  let spare = NaN;
  const next = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(next() * n),
    getState: () => ({ words: [a >>> 0, b >>> 0, c >>> 0, d >>> 0], spare: Number.isNaN(spare) ? null : spare }),
    setState: (st) => {
      if (!Array.isArray(st.words) || st.words.length !== 4 || !st.words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
        throw new RangeError('random state: expected four unsigned 32-bit words');
      }
      [a, b, c, d] = st.words;
      spare = st.spare === null ? NaN : st.spare;
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
  };
}
