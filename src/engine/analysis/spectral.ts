/**
 * Norms and spectra of small dense matrices for the analysis: the spectral norm ‖A‖₂ (largest singular value), the
 * Frobenius norm, and the spectral radius ρ(A).
 */

/** Eigenvalues of a symmetric n×n matrix by cyclic Jacobi rotations (A is copied). Ascending order. */
export function symmetricEigenvalues(n: number, A: Float64Array): Float64Array {
  const a = Float64Array.from(A.subarray(0, n * n));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const ev = new Float64Array(n);
  for (let i = 0; i < n; i++) ev[i] = a[i * n + i];
  return ev.sort();
}

/** Frobenius norm of a rows×cols matrix. */
export function frobeniusNorm(A: Float64Array, rows: number, cols: number, off = 0): number {
  let s = 0;
  for (let i = 0; i < rows * cols; i++) s += A[off + i] * A[off + i];
  return Math.sqrt(s);
}

/**
 * Spectral norm ‖A‖₂ of a rows×cols matrix at off. Exact up to rounding (Jacobi on the Gram matrix) for
 * min(rows, cols) ≤ 256; power iteration on AᵀA otherwise.
 */
export function spectralNorm(A: Float64Array, rows: number, cols: number, off = 0): number {
  const n = Math.min(rows, cols);
  if (n === 0) return 0;
  if (n > 256) return powerSpectralNorm(A, rows, cols, off, null, 2000, 1e-15).norm;
  // Gram of the smaller side: AᵀA (cols ≤ rows) or AAᵀ.
  const G = new Float64Array(n * n);
  if (cols <= rows) {
    for (let r = 0; r < rows; r++) {
      const o = off + r * cols;
      for (let i = 0; i < cols; i++) {
        const ai = A[o + i];
        if (ai === 0) continue;
        for (let j = i; j < cols; j++) G[i * n + j] += ai * A[o + j];
      }
    }
  } else {
    for (let i = 0; i < rows; i++) {
      for (let j = i; j < rows; j++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += A[off + i * cols + k] * A[off + j * cols + k];
        G[i * n + j] = s;
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[i * n + j] = G[j * n + i];
  const ev = symmetricEigenvalues(n, G);
  return Math.sqrt(Math.max(0, ev[n - 1]));
}

/**
 * Power iteration on AᵀA for ‖A‖₂, warm-started from v (length cols) when given; returns the norm and the vector.
 * The Rayleigh quotient is a lower bound that converges at rate (σ₂/σ₁)².
 */
export function powerSpectralNorm(
  A: Float64Array, rows: number, cols: number, off: number, v0: Float64Array | null, maxIter = 300, tol = 1e-14,
): { norm: number; v: Float64Array } {
  let v = v0 ? Float64Array.from(v0) : new Float64Array(cols);
  if (!v0) for (let i = 0; i < cols; i++) v[i] = 1 + ((i * 7919) % 13) / 13; // fixed, non-degenerate start
  const u = new Float64Array(rows);
  const w = new Float64Array(cols);
  let prev = -1;
  let sigma = 0;
  for (let it = 0; it < maxIter; it++) {
    let vn = 0;
    for (let i = 0; i < cols; i++) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    if (vn === 0) return { norm: 0, v };
    for (let i = 0; i < cols; i++) v[i] /= vn;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const o = off + r * cols;
      for (let c = 0; c < cols; c++) s += A[o + c] * v[c];
      u[r] = s;
    }
    let un = 0;
    for (let r = 0; r < rows; r++) un += u[r] * u[r];
    sigma = Math.sqrt(un);
    w.fill(0);
    for (let r = 0; r < rows; r++) {
      const ur = u[r];
      if (ur === 0) continue;
      const o = off + r * cols;
      for (let c = 0; c < cols; c++) w[c] += A[o + c] * ur;
    }
    const tmp = v;
    v = w.slice();
    w.set(tmp);
    if (Math.abs(sigma - prev) <= tol * sigma) break;
    prev = sigma;
  }
  return { norm: sigma, v };
}

/**
 * Spectral radius ρ(A) of an n×n matrix by Gelfand's formula ρ = lim ‖A^k‖^{1/k}, with k = 2^s reached by repeated
 * squaring and renormalisation (log-scale, so no overflow). After 40 squarings the factor from ‖A^k‖ ≥ ρ^k is
 * below C^{1/2^40} for any constant C: accurate to ~1e-10 relative for matrices met in practice.
 */
export function spectralRadius(n: number, A: Float64Array, off = 0): number {
  let M = Float64Array.from(A.subarray(off, off + n * n));
  let next = new Float64Array(n * n);
  let logNorm = 0; // log ‖A^k‖ so far relative to scale
  let k = 1;
  let nrm = frobeniusNorm(M, n, n);
  if (nrm === 0) return 0;
  for (let i = 0; i < n * n; i++) M[i] /= nrm;
  logNorm = Math.log(nrm);
  for (let s = 0; s < 40; s++) {
    next.fill(0);
    for (let i = 0; i < n; i++) {
      for (let kk = 0; kk < n; kk++) {
        const a = M[i * n + kk];
        if (a === 0) continue;
        for (let j = 0; j < n; j++) next[i * n + j] += a * M[kk * n + j];
      }
    }
    nrm = frobeniusNorm(next, n, n);
    if (nrm === 0) return 0;
    for (let i = 0; i < n * n; i++) next[i] /= nrm;
    logNorm = 2 * logNorm + Math.log(nrm);
    k *= 2;
    const tmp = M;
    M = next;
    next = tmp;
  }
  return Math.exp(logNorm / k);
}
