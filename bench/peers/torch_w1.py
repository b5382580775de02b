#!/usr/bin/python3
"""Benchmark peer: training throughput of workload W1 in PyTorch (CPU, float32 or float64).

W1: batch 32 x 100 time steps x 2 inputs -> one recurrent layer (rnn|lstm|gru,
H hidden units, batch_first) -> nn.Linear(H, 1) on the last hidden state,
MSE loss, Adam(lr=1e-3), full BPTT. One "step" = zero_grad + forward +
backward + optimizer.step() on the same fixed batch.

Usage (always the Debian interpreter, which has python3-torch):
  /usr/bin/python3 bench/peers/torch_w1.py '{"cell":"lstm","hidden":32}'

Prints exactly one JSON line on stdout; on failure prints
{"peer":"pytorch","error":"..."} and exits with status 1.

Threads and precision: "threads" (default 1) intra-op threads (torch.set_num_threads),
with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS defaulted to the same before torch is loaded;
"dtype" "float32" (default) or "float64" (torch.set_default_dtype). Debian's
torch links against the generic libblas.so.3; if LD_LIBRARY_PATH does not
already point at an OpenBLAS directory and the Debian OpenBLAS (pthread) one
exists, the script re-executes itself with it prepended (set
RNN_PEER_NO_REEXEC=1 to disable).
"""

import json
import os
import sys

PEER = "pytorch"
OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"

DEFAULTS = {
    "cell": "lstm",
    "hidden": 32,
    "batch": 32,
    "steps": 100,
    "input": 2,
    "warmup": 2,
    "repeats": 5,
    "minSeconds": 1.0,
    "seed": 1234,
    "threads": 1,
    "dtype": "float32",
}


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def fail(message):
    emit({"peer": PEER, "error": str(message)})
    sys.exit(1)


def parse_config():
    user = {}
    if len(sys.argv) > 1 and sys.argv[1].strip():
        try:
            user = json.loads(sys.argv[1])
        except ValueError as e:
            raise ValueError("argument is not valid JSON: %s" % e)
        if not isinstance(user, dict):
            raise ValueError("argument must be a JSON object")
    cfg = dict(DEFAULTS)
    cfg.update(user)
    if cfg["cell"] not in ("rnn", "lstm", "gru"):
        raise ValueError('cell must be "rnn", "lstm" or "gru", got %r' % (cfg["cell"],))
    if cfg["dtype"] not in ("float32", "float64"):
        raise ValueError('dtype must be "float32" or "float64", got %r' % (cfg["dtype"],))
    for k in ("hidden", "batch", "steps", "input", "repeats", "threads"):
        v = cfg[k]
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError("%s must be a positive integer" % k)
    if isinstance(cfg["warmup"], bool) or not isinstance(cfg["warmup"], int) or cfg["warmup"] < 0:
        raise ValueError("warmup must be an integer >= 0")
    ms = cfg["minSeconds"]
    if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not ms >= 0:
        raise ValueError("minSeconds must be a number >= 0")
    return cfg


def maybe_reexec_with_openblas():
    """The dynamic loader reads LD_LIBRARY_PATH only at process start."""
    if os.environ.get("RNN_PEER_NO_REEXEC") == "1":
        return
    ld = os.environ.get("LD_LIBRARY_PATH", "")
    if "openblas" in ld or not os.path.isdir(OPENBLAS_DIR):
        return
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = OPENBLAS_DIR + (":" + ld if ld else "")
    env["RNN_PEER_REEXEC"] = "1"
    env["RNN_PEER_NO_REEXEC"] = "1"  # never loop
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def loaded_blas():
    """Which BLAS shared objects are mapped into this process (Linux only)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1] if line.strip() else ""
                base = os.path.basename(p)
                if "blas" in base or "mkl" in base or "blis" in base:
                    libs.add(os.path.realpath(p))
    except OSError:
        return None
    return sorted(libs)


def main():
    cfg = parse_config()
    maybe_reexec_with_openblas()
    os.environ.setdefault("OMP_NUM_THREADS", str(cfg["threads"]))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(cfg["threads"]))

    try:
        import torch
        import torch.nn as nn
    except ImportError as e:
        raise RuntimeError(
            "cannot import torch with %s (%s); use /usr/bin/python3 with Debian python3-torch"
            % (sys.executable, e)
        )
    import time

    notes = []
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(cfg["seed"])
    dtype = torch.float64 if cfg["dtype"] == "float64" else torch.float32
    torch.set_default_dtype(dtype)

    cell, H, B, T, I = cfg["cell"], cfg["hidden"], cfg["batch"], cfg["steps"], cfg["input"]

    class W1(nn.Module):
        def __init__(self):
            super().__init__()
            if cell == "rnn":
                self.rnn = nn.RNN(I, H, num_layers=1, nonlinearity="tanh", batch_first=True)
            elif cell == "lstm":
                self.rnn = nn.LSTM(I, H, num_layers=1, batch_first=True)
            else:
                self.rnn = nn.GRU(I, H, num_layers=1, batch_first=True)
            self.head = nn.Linear(H, 1)

        def forward(self, x):
            out, _ = self.rnn(x)  # (B, T, H)
            return self.head(out[:, -1, :])  # last hidden state -> (B, 1)

    t_setup0 = time.perf_counter()
    model = W1()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    x = torch.rand(B, T, I, dtype=dtype)
    y = torch.rand(B, 1, dtype=dtype)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # CPU is synchronous; item() also forces the value

    last = float("nan")
    t_warm0 = time.perf_counter()
    for _ in range(cfg["warmup"]):
        last = step()
    t_warm1 = time.perf_counter()
    after_warmup = last

    sps = []
    min_s = float(cfg["minSeconds"])
    for _ in range(cfg["repeats"]):
        n = 0
        t0 = time.perf_counter()
        while True:
            last = step()
            n += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= min_s:
                break
        sps.append(n / elapsed)

    if last != last or last in (float("inf"), float("-inf")):
        raise RuntimeError("loss is not finite (%r)" % last)

    blas_libs = loaded_blas()
    blas = None
    if blas_libs is not None:
        joined = " ".join(blas_libs)
        if "openblas" in joined:
            blas = "openblas"
        elif "mkl" in joined:
            blas = "mkl"
        elif "blis" in joined:
            blas = "blis"
        elif "libblas" in joined:
            blas = "reference-or-alternative libblas"
            notes.append("not using OpenBLAS: set LD_LIBRARY_PATH=%s" % OPENBLAS_DIR)
    if os.environ.get("RNN_PEER_REEXEC") == "1":
        notes.append("re-executed with LD_LIBRARY_PATH=%s" % os.environ.get("LD_LIBRARY_PATH"))

    emit({
        "peer": PEER,
        "cell": cell,
        "hidden": H,
        "batch": B,
        "steps": T,
        "input": I,
        "stepsPerSec": sps,
        "backend": "cpu",
        "version": torch.__version__,
        "blas": blas,
        "blasLibs": blas_libs,
        "threads": torch.get_num_threads(),
        "dtype": cfg["dtype"],
        "env": {
            "LD_LIBRARY_PATH": os.environ.get("LD_LIBRARY_PATH"),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        },
        "params": sum(p.numel() for p in model.parameters()),
        "loss": {"afterWarmup": after_warmup, "final": last},
        "setupSeconds": t_warm0 - t_setup0,
        "warmupSeconds": t_warm1 - t_warm0,
        "notes": "; ".join(notes),
    })


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - report every failure as JSON
        fail("%s: %s" % (type(e).__name__, e))
