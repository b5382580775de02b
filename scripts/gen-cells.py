#!/usr/bin/env python3
"""Emits the lstmCell and gruCell functions of src/engine/kernels/gemm.wat with the exponentials inlined and
interleaved: independent gate pre-activations go through range reduction and the degree-13 polynomial together, so
their dependency chains overlap in the CPU (a called exp runs one latency-bound chain at a time, ~15% slower end to
end on LSTM-128). After editing: `python3 scripts/gen-cells.py --write` (rewrites the generated section of gemm.wat),
then `npm run build:wasm`; `--check` exits 1 when gemm.wat differs from what this script generates (a unit test runs it)."""
import math

C = [1 / math.factorial(n) for n in range(16)]

def v(x):
    return f"(v128.const f64x2 {x!r} {x!r})"

def exp_lanes(names):
    """exp of each local named in `names` (in place): returns WAT lines."""
    L = []
    for n in names:
        L.append(f"(local.set ${n} (f64x2.min (f64x2.max (local.get ${n}) {v(-708.0)}) {v(708.0)}))")
    for n in names:
        L.append(f"(local.set $k_{n} (f64x2.nearest (f64x2.mul (local.get ${n}) {v(1.4426950408889634)})))")
    for n in names:
        L.append(f"(local.set $r_{n} (f64x2.sub (f64x2.sub (local.get ${n}) (f64x2.mul (local.get $k_{n}) {v(6.93147180369123816490e-01)})) (f64x2.mul (local.get $k_{n}) {v(1.90821492927058770002e-10)})))")
    for n in names:
        L.append(f"(local.set $p_{n} {v(C[13])})")
    for d in range(12, -1, -1):
        for n in names:
            L.append(f"(local.set $p_{n} (f64x2.add (f64x2.mul (local.get $p_{n}) (local.get $r_{n})) {v(C[d])}))")
    for n in names:
        L.append(f"(local.set ${n} (f64x2.mul (local.get $p_{n}) (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k_{n}))) (v128.const i64x2 1023 1023)) (i32.const 52))))")
    return L

def tanh_small(src, dst):
    """expm1(2x)/(expm1(2x)+2) for |x| < 0.3 into local dst (x in local src)."""
    L = [f"(local.set $y (f64x2.add (local.get ${src}) (local.get ${src})))", "(local.set $y2 (f64x2.mul (local.get $y) (local.get $y)))",
         f"(local.set $odd {v(C[15])})", f"(local.set $even {v(C[14])})"]
    for a, b in zip([13, 11, 9, 7, 5, 3, 1], [12, 10, 8, 6, 4, 2, None]):
        L.append(f"(local.set $odd (f64x2.add (f64x2.mul (local.get $odd) (local.get $y2)) {v(C[a])}))")
        if b is not None:
            L.append(f"(local.set $even (f64x2.add (f64x2.mul (local.get $even) (local.get $y2)) {v(C[b])}))")
    L.append("(local.set $em (f64x2.add (f64x2.mul (local.get $y) (local.get $odd)) (f64x2.mul (local.get $y2) (local.get $even))))")
    L.append(f"(local.set ${dst} (f64x2.div (local.get $em) (f64x2.add (local.get $em) {v(2.0)})))")
    return L

def tanh_from(src_x, e_name, dst):
    """tanh(x) given e = exp(-2|x|) in local e_name; small-argument series selected below 0.3."""
    L = [f"(local.set $big (v128.or (f64x2.div (f64x2.sub {v(1.0)} (local.get ${e_name})) (f64x2.add {v(1.0)} (local.get ${e_name}))) (v128.and (local.get ${src_x}) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))"]
    L += tanh_small(src_x, 'small')
    L.append(f"(local.set ${dst} (v128.bitselect (local.get $small) (local.get $big) (f64x2.lt (f64x2.abs (local.get ${src_x})) {v(0.3)})))")
    return L

def cell_function(comment, signature, scalars, locs, prelude, body):
    """A cell function: the comment, the signature, its locals, then a loop over rows b and lane pairs k."""
    out = [comment]
    out.append(f'  (func (export {signature})')
    out.append('    ' + scalars)
    out.append('    ' + ' '.join(f'(local ${n} v128)' for n in locs))
    out += ['    ' + l for l in prelude]
    out.append('    (local.set $b (i32.const 0))')
    out.append('    (block $doneB (loop $loopB (br_if $doneB (i32.ge_u (local.get $b) (local.get $B)))')
    out.append('      (local.set $k (i32.const 0))')
    out.append('      (block $doneK (loop $loopK (br_if $doneK (i32.ge_u (local.get $k) (local.get $mb)))')
    out += ['        ' + l for l in body]
    out.append('      (local.set $b (i32.add (local.get $b) (i32.const 1)))')
    out.append('      (br $loopB)))')
    out.append('  )')
    return '\n'.join(out)


def lstm():
    gates = ['ei', 'ef', 'eg', 'eo']
    locs = ['zi', 'zf', 'zg', 'zo', 'ei', 'ef', 'eg', 'eo', 'ec', 'cn', 'gi', 'gf', 'gg', 'go', 'tcn', 'big', 'small', 'y', 'y2', 'odd', 'even', 'em']
    for n in gates + ['ec']:
        locs += [f'k_{n}', f'r_{n}', f'p_{n}']
    body = [
        '(local.set $pz (i32.add (i32.add (local.get $z) (i32.mul (local.get $b) (local.get $rowZ))) (local.get $k)))',
        '(local.set $ps (i32.add (i32.mul (local.get $b) (local.get $mb)) (local.get $k)))',
        '(local.set $zi (v128.load (local.get $pz)))',
        '(local.set $zf (v128.load (i32.add (local.get $pz) (local.get $mb))))',
        '(local.set $zg (v128.load (i32.add (local.get $pz) (i32.shl (local.get $mb) (i32.const 1)))))',
        '(local.set $zo (v128.load (i32.add (local.get $pz) (i32.mul (local.get $mb) (i32.const 3)))))',
        '(local.set $ei (f64x2.neg (local.get $zi)))', '(local.set $ef (f64x2.neg (local.get $zf)))', '(local.set $eo (f64x2.neg (local.get $zo)))',
        f'(local.set $eg (f64x2.mul (f64x2.abs (local.get $zg)) {v(-2.0)}))',
    ]
    body += exp_lanes(gates)
    body += [f'(local.set $g{n} (f64x2.div {v(1.0)} (f64x2.add {v(1.0)} (local.get $e{n}))))' for n in 'ifo']
    body += tanh_from('zg', 'eg', 'gg')
    body += [
        '(v128.store (local.get $pz) (local.get $gi))',
        '(v128.store (i32.add (local.get $pz) (local.get $mb)) (local.get $gf))',
        '(v128.store (i32.add (local.get $pz) (i32.shl (local.get $mb) (i32.const 1))) (local.get $gg))',
        '(v128.store (i32.add (local.get $pz) (i32.mul (local.get $mb) (i32.const 3))) (local.get $go))',
        '(local.set $cn (f64x2.add (f64x2.mul (local.get $gf) (v128.load (i32.add (local.get $cp) (local.get $ps)))) (f64x2.mul (local.get $gi) (local.get $gg))))',
        f'(local.set $ec (f64x2.mul (f64x2.abs (local.get $cn)) {v(-2.0)}))',
    ]
    body += exp_lanes(['ec'])
    body += tanh_from('cn', 'ec', 'tcn')
    body += [
        '(v128.store (i32.add (local.get $c) (local.get $ps)) (local.get $cn))',
        '(v128.store (i32.add (local.get $tc) (local.get $ps)) (local.get $tcn))',
        '(v128.store (i32.add (local.get $h) (local.get $ps)) (f64x2.mul (local.get $go) (local.get $tcn)))',
        '(local.set $k (i32.add (local.get $k) (i32.const 16)))',
        '(br $loopK)))',
    ]
    return cell_function(
        ';; lstmCell: for B rows of z = [i f g o] pre-activations (row stride 4m doubles, at $z): gates in place,\n'
        ';; c = f⊙cPrev + i⊙g, tc = tanh(c), h = o⊙tc; cPrev, c, tc, h are [B, m] at their byte offsets; m even.\n'
        ';; Generated by scripts/gen-cells.py (exponentials inlined and interleaved).',
        '"lstmCell") (param $B i32) (param $m i32) (param $z i32) (param $cp i32) (param $c i32) (param $tc i32) (param $h i32',
        '(local $b i32) (local $k i32) (local $rowZ i32) (local $mb i32) (local $pz i32) (local $ps i32)',
        locs,
        ['(local.set $mb (i32.shl (local.get $m) (i32.const 3)))', '(local.set $rowZ (i32.shl (local.get $mb) (i32.const 2)))'],
        body,
    )


def gru():
    locs = ['xr', 'xz', 'xn', 'hr', 'hz', 'hn', 'er', 'ez', 'en', 'gr', 'gz', 'an', 'gn', 'big', 'small', 'y', 'y2', 'odd', 'even', 'em', 'hp']
    for n in ['er', 'ez', 'en']:
        locs += [f'k_{n}', f'r_{n}', f'p_{n}']
    body = [
        '(local.set $px (i32.add (i32.add (local.get $x) (i32.mul (local.get $b) (local.get $row))) (local.get $k)))',
        '(local.set $pw (i32.add (i32.add (local.get $hw) (i32.mul (local.get $b) (local.get $row))) (local.get $k)))',
        '(local.set $ps (i32.add (i32.mul (local.get $b) (local.get $mb)) (local.get $k)))',
        '(local.set $xr (v128.load (local.get $px)))',
        '(local.set $xz (v128.load (i32.add (local.get $px) (local.get $mb))))',
        '(local.set $xn (v128.load (i32.add (local.get $px) (i32.shl (local.get $mb) (i32.const 1)))))',
        '(local.set $hr (v128.load (local.get $pw)))',
        '(local.set $hz (v128.load (i32.add (local.get $pw) (local.get $mb))))',
        '(local.set $hn (f64x2.add (v128.load (i32.add (local.get $pw) (i32.shl (local.get $mb) (i32.const 1)))) (v128.load (i32.add (local.get $bhn) (local.get $k)))))',
        '(local.set $er (f64x2.neg (f64x2.add (local.get $xr) (local.get $hr))))',
        '(local.set $ez (f64x2.neg (f64x2.add (local.get $xz) (local.get $hz))))',
    ]
    body += exp_lanes(['er', 'ez'])
    body += [f'(local.set $g{n} (f64x2.div {v(1.0)} (f64x2.add {v(1.0)} (local.get $e{n}))))' for n in 'rz']
    body += [
        '(local.set $an (f64x2.add (local.get $xn) (f64x2.mul (local.get $gr) (local.get $hn))))',
        f'(local.set $en (f64x2.mul (f64x2.abs (local.get $an)) {v(-2.0)}))',
    ]
    body += exp_lanes(['en'])
    body += tanh_from('an', 'en', 'gn')
    body += [
        '(local.set $hp (v128.load (i32.add (local.get $hpv) (local.get $ps))))',
        '(v128.store (local.get $px) (local.get $gr))',
        '(v128.store (i32.add (local.get $px) (local.get $mb)) (local.get $gz))',
        '(v128.store (i32.add (local.get $px) (i32.shl (local.get $mb) (i32.const 1))) (local.get $gn))',
        '(v128.store (i32.add (local.get $hnOut) (local.get $ps)) (local.get $hn))',
        f'(v128.store (i32.add (local.get $h) (local.get $ps)) (f64x2.add (f64x2.mul (f64x2.sub {v(1.0)} (local.get $gz)) (local.get $gn)) (f64x2.mul (local.get $gz) (local.get $hp))))',
        '(local.set $k (i32.add (local.get $k) (i32.const 16)))',
        '(br $loopK)))',
    ]
    return cell_function(
        ';; gruCell: for B rows, x-projections [r z n] at $x (row stride 3m doubles; biases b_x + b_h for r, z and b_x for n),\n'
        ';; W_h·h₋₁ [r z n] at $hw (row stride 3m), b_hn [m] at $bhn, h₋₁ [B, m] at $hp: r = σ(x_r + h_r), z = σ(x_z + h_z),\n'
        ';; hn = W_hn h₋₁ + b_hn, n = tanh(x_n + r⊙hn), h = (1 − z)⊙n + z⊙h₋₁. Gates go back into $x, hn to $hnOut, h to $h.\n'
        ';; Generated by scripts/gen-cells.py (exponentials inlined and interleaved).',
        '"gruCell") (param $B i32) (param $m i32) (param $x i32) (param $hw i32) (param $bhn i32) (param $hpv i32) (param $hnOut i32) (param $h i32',
        '(local $b i32) (local $k i32) (local $row i32) (local $mb i32) (local $px i32) (local $pw i32) (local $ps i32)',
        locs,
        ['(local.set $mb (i32.shl (local.get $m) (i32.const 3)))', '(local.set $row (i32.mul (local.get $mb) (i32.const 3)))'],
        body,
    )


def main():
    import sys
    text = lstm() + '\n' + gru()
    if '--write' not in sys.argv and '--check' not in sys.argv:
        print(text)
        return
    import pathlib
    wat = pathlib.Path(__file__).resolve().parent.parent / 'src' / 'engine' / 'kernels' / 'gemm.wat'
    src = wat.read_text()
    begin = src.index('  ;; ---- BEGIN generated cells')
    end = src.index('  ;; ---- END generated cells ----')
    want = src[:begin] + '  ;; ---- BEGIN generated cells (scripts/gen-cells.py) ----\n  ' + text.strip() + '\n' + src[end:]
    if '--check' in sys.argv:
        # the committed gemm.wat holds exactly what this script generates (run with --write after editing it)
        if want != src:
            print('gemm.wat differs from what scripts/gen-cells.py generates: run python3 scripts/gen-cells.py --write', file=sys.stderr)
            sys.exit(1)
        print('gemm.wat matches scripts/gen-cells.py')
        return
    wat.write_text(want)


main()
