/**
 * The data's own memory: the autocorrelation (ACF) and partial autocorrelation (PACF) of a series made of one or more
 * segments (sequences, or the training part of each), with the 95% band ±1.96/√n of a series without memory. The
 * lag "after which it stays inside the band" is how far back the data itself carries information one step ahead —
 * set beside a model's effective memory it says whether the model looks back as far as it needs to.
 * ACF pooled over segments: r_k = Σ_s Σ_t (x_t − x̄)(x_{t−k} − x̄) / Σ_s Σ_t (x_t − x̄)², the mean taken over all
 * segments, products never spanning two segments. PACF by the Durbin–Levinson recursion on r_1 … r_K.
 */

/** A series as segments read through an accessor: `value(s, t)` for t < `length(s)`. */
export interface Segments {
  count: number;
  length(s: number): number;
  value(s: number, t: number): number;
}

/** ACF and PACF up to a lag, with the band and the memory lags. */
export interface Correlogram {
  /** r_1 … r_K (index 0 is lag 1). */
  acf: number[];
  pacf: number[];
  /** 1.96 / √n. */
  band: number;
  /** The lag after which the ACF stays inside the band (0: no lag outside it). */
  acfLag: number;
  /** The same for the PACF. */
  pacfLag: number;
  /** Values used. */
  n: number;
}

/** Most values read (a long series is read from its start up to this many values; plenty for lags of a few hundred). */
const MAX_VALUES = 1_000_000;

/** The correlogram of a segmented series up to `maxLag` (capped at a quarter of the longest segment), or null if too short. */
export function correlogram(series: Segments, maxLag: number): Correlogram | null {
  let n = 0;
  let sum = 0;
  let longest = 0;
  const lengths: number[] = [];
  for (let s = 0; s < series.count && n < MAX_VALUES; s++) {
    const L = Math.min(series.length(s), MAX_VALUES - n);
    lengths.push(L);
    longest = Math.max(longest, L);
    for (let t = 0; t < L; t++) {
      const v = series.value(s, t);
      if (v === v) {
        sum += v;
        n++;
      }
    }
  }
  const K = Math.min(maxLag, Math.floor(longest / 4));
  if (n < 8 || K < 1) return null;
  const mean = sum / n;
  let c0 = 0;
  const ck = new Float64Array(K + 1);
  for (let s = 0; s < lengths.length; s++) {
    const L = lengths[s];
    const x = new Float64Array(L);
    for (let t = 0; t < L; t++) x[t] = series.value(s, t) - mean;
    for (let t = 0; t < L; t++) {
      const a = x[t];
      if (a !== a) continue;
      c0 += a * a;
      const top = Math.min(K, t);
      for (let k = 1; k <= top; k++) {
        const b = x[t - k];
        if (b === b) ck[k] += a * b;
      }
    }
  }
  if (!(c0 > 0)) return null;
  const acf = Array.from({ length: K }, (_, k) => ck[k + 1] / c0);
  const pacf = durbinLevinson(acf);
  const band = 1.96 / Math.sqrt(n);
  return { acf, pacf, band, acfLag: lastOutside(acf, band), pacfLag: lastOutside(pacf, band), n };
}

/** Partial autocorrelations φ_kk from autocorrelations r_1 … r_K (Durbin 1960; Levinson 1947). */
export function durbinLevinson(r: number[]): number[] {
  const K = r.length;
  const out: number[] = [];
  let phi: number[] = [];
  for (let k = 1; k <= K; k++) {
    let num = r[k - 1];
    let den = 1;
    for (let j = 1; j < k; j++) {
      num -= phi[j - 1] * r[k - j - 1];
      den -= phi[j - 1] * r[j - 1];
    }
    const kk = Math.abs(den) < 1e-12 ? 0 : num / den;
    const next = phi.map((p, j) => p - kk * phi[k - 2 - j]);
    next.push(kk);
    phi = next;
    out.push(Math.max(-1, Math.min(1, kk)));
  }
  return out;
}

/**
 * The lag after which the values stay within ±band (1-based; 0 when none is outside). By chance alone one lag in
 * twenty leaves a 95% band, and two neighbours now and then; so a lag counts when it is outside twice the band, or
 * outside the band beside a neighbour that is too, one of the two beyond one and a half bands (chance: about 1 in 3,000
 * a pair of lags).
 */
export function lastOutside(values: number[], band: number): number {
  const size = (k: number): number => (k >= 1 && k <= values.length ? Math.abs(values[k - 1]) : 0);
  for (let k = values.length; k >= 1; k--) {
    const v = size(k);
    if (v <= band) continue;
    if (v > 2 * band) return k;
    for (const n of [k - 1, k + 1]) if (size(n) > band && Math.max(v, size(n)) > 1.5 * band) return k;
  }
  return 0;
}
