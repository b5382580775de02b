/** The `train.py` of a PyTorch training project (`export --training`): the playground's run, in PyTorch. */
export const TRAIN_PY = String.raw`"""Trains the exported RNN Playground model in PyTorch, as the playground trained it - and on several processes.

The same network (model.py), the same first weights (initial_state_dict.json), the same samples (data.py), the same
optimiser with the same learning rate and gradient-norm clip, and the same batches in the same order: the order of
every epoch of the playground's run is recorded in training.json (later epochs draw a fresh permutation per epoch).
Float64 throughout, as in the playground.

    python3 train.py                     trains for the run's epochs; writes trained_state_dict.json
    python3 train.py --check             ... and compares every epoch's losses with the playground's (exit 1 if off)
    python3 train.py --epochs 50         trains longer (or shorter)
    python3 train.py --world-size 2      DistributedDataParallel (gloo) in 2 local processes

Data parallel: each batch is split between the processes; each process's loss is its share of the whole batch's
loss, so the gradients DistributedDataParallel averages add up to the whole batch's gradient - the same training,
to rounding, for any number of processes. Started with torchrun instead (RANK and WORLD_SIZE set), it joins that
group. The weights are written by process 0 and load with: python3 model.py --weights trained_state_dict.json ...
"""

import argparse
import json
import math
import os
import socket
import sys
import time

import torch
import torch.distributed as dist
from torch import nn

import data as playground_data
import model as playground_model

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_default_dtype(torch.float64)


class Net(nn.Module):
    """The exported model, read where the playground reads it: the last valid step of each sequence, or every step."""

    def __init__(self, model, every):
        super().__init__()
        self.model = model
        self.every = every

    def forward(self, x, lengths):
        out, _ = self.model.rnn(x)
        if not self.every:
            out = out[torch.arange(x.shape[0]), lengths - 1]
        return self.model.head(out)


def load_weights(path):
    """model.py's Model in float64 with the weights of a state_dict JSON written by the playground."""
    return playground_model.load_model(path).train()


def playground_key(key):
    """Inverse of model.py's stack_key: rnn.layers.1.weight_ih_l0 -> rnn.weight_ih_l1."""
    if key.startswith("rnn.layers."):
        layer, name = key[len("rnn.layers."):].split(".", 1)
        return "rnn." + name[:-len("_l0")] + "_l" + layer
    return key


def save_weights(model, path):
    state = {playground_key(k): v.tolist() for k, v in model.state_dict().items()}
    with open(path + ".tmp", "w") as f:
        json.dump(state, f)
    os.replace(path + ".tmp", path)


def batch_tensors(samples, loss, every):
    """Pads the samples at the end (as the playground does) into x [batch, time, inputs], lengths and targets:
    [batch, outputs] read at the last step, or [batch, time, outputs] at every step (class indices: 1 output)."""
    lengths = torch.tensor([len(x) for x, _ in samples])
    T, D = int(lengths.max()), len(samples[0][0][0])
    x = torch.zeros(len(samples), T, D)
    for b, (xs, _) in enumerate(samples):
        x[b, :len(xs)] = torch.tensor(xs)
    if every:
        y = torch.zeros(len(samples), T, len(samples[0][1][0]) if loss == "mse" else 1)
        for b, (_, ys) in enumerate(samples):
            y[b, :len(ys)] = torch.tensor(ys, dtype=torch.float64).reshape(len(ys), -1)
    else:
        y = torch.tensor([ys for _, ys in samples], dtype=torch.float64)
    return x, lengths, y


def loss_sum(y_hat, y, lengths, loss, every):
    """(sum of the items' losses, items): items are sequences (last step) or valid steps; MSE sums over outputs."""
    if every:
        mask = torch.arange(y_hat.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        y_hat, y = y_hat[mask], y[mask]
    if loss == "mse":
        return ((y_hat - y) ** 2).sum(), y_hat.shape[0]
    if loss == "binary":
        s, t = y_hat.reshape(-1), y.reshape(-1)
        return (s.clamp(min=0) - t * s + torch.log1p(torch.exp(-s.abs()))).sum(), s.shape[0]
    logits, k = y_hat.reshape(-1, y_hat.shape[-1]), y.reshape(-1).long()
    return (torch.logsumexp(logits, dim=1) - logits.gather(1, k.unsqueeze(1)).squeeze(1)).sum(), logits.shape[0]


def denominator(items, loss, outputs):
    return max(1, items * outputs if loss == "mse" else items)


class Optimizer:
    """The playground's update: SGD, momentum (v = mu v + g) or Adam (bias-corrected), after clipping the gradient's
    global L2 norm. The same arithmetic as torch.optim's SGD and Adam, written out so that --check can compare every
    epoch to 1e-9 (torch.optim.Adam groups the operations differently, which moves the last bits)."""

    def __init__(self, params, cfg):
        self.params = list(params)
        self.kind, self.lr, self.clip = cfg["kind"], cfg["lr"], cfg.get("clip") or 0
        self.mu = cfg.get("momentum", 0.9)
        self.b1, self.b2, self.eps = cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("eps", 1e-8)
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        grads = [p.grad for p in self.params]
        norm = math.sqrt(math.fsum(float((g * g).sum()) for g in grads))
        if self.clip and norm > self.clip:
            for g in grads:
                g.mul_(self.clip / norm)
        if self.kind == "sgd":
            for p, g in zip(self.params, grads):
                p.sub_(self.lr * g)
        elif self.kind == "momentum":
            for p, g, v in zip(self.params, grads, self.v):
                v.copy_(self.mu * v + g)
                p.sub_(self.lr * v)
        else:
            self.t += 1
            c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
            for p, g, m, v in zip(self.params, grads, self.m, self.v):
                m.copy_(self.b1 * m + (1 - self.b1) * g)
                v.copy_(self.b2 * v + (1 - self.b2) * g * g)
                p.sub_((self.lr * (m / c1)) / (torch.sqrt(v / c2) + self.eps))
        return norm


def order_of(epoch, n, seed):
    """The playground's sample order in epoch (1-based): recorded for the run's epochs, then a seeded permutation."""
    orders = PLAN["training"]["orders"]
    if epoch <= len(orders):
        return orders[epoch - 1]
    g = torch.Generator().manual_seed(seed + epoch)
    return torch.randperm(n, generator=g).tolist()


def evaluate(net, samples, batch_size, loss, every, outputs):
    total, items = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(samples), batch_size):
            x, lengths, y = batch_tensors(samples[s:s + batch_size], loss, every)
            part, n = loss_sum(net(x, lengths), y, lengths, loss, every)
            total += float(part) / denominator(n, loss, outputs) * n
            items += n
    return total / items if items else math.nan


def run(rank, world, args, results):
    """Trains on process rank of world (1: no process group); process 0 returns the history and writes the weights."""
    if world > 1:
        if "RANK" not in os.environ:
            os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(args.port)
        dist.init_process_group("gloo", rank=rank, world_size=world)
        torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    train, validation = playground_data.load(PLAN, args.csv)
    cfg = PLAN["training"]
    loss, every, outputs = PLAN["model"]["loss"], PLAN["model"]["readout"] == "every", PLAN["model"]["outputSize"]
    net = Net(load_weights(os.path.join(HERE, "initial_state_dict.json")), every)
    model = net
    if world > 1:
        model = nn.parallel.DistributedDataParallel(net)
    opt = Optimizer(net.parameters(), cfg["optimizer"])
    batch_size, epochs = cfg["batchSize"], args.epochs or len(cfg["orders"])
    patience, restore_best = cfg["patience"], cfg["restoreBest"]
    best = (math.inf, 0, None)
    history = []
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        order = order_of(epoch, len(train), cfg["seed"])
        loss_total, items_total = 0.0, 0
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            whole = [train[i] for i in idx]
            items = sum(len(y) for _, y in whole) if every else len(whole)
            mine = whole[rank::world]
            x, lengths, y = batch_tensors(mine or whole[:1], loss, every)
            part, n = loss_sum(model(x, lengths), y, lengths, loss, every)
            if not mine:
                part = part * 0.0
            mean = part / denominator(items, loss, outputs)
            net.zero_grad(set_to_none=False)
            (mean * world).backward()
            opt.step()
            batch_loss = mean.detach().clone()
            if world > 1:
                dist.all_reduce(batch_loss)
            loss_total += float(batch_loss) * items
            items_total += items
        train_loss = loss_total / items_total
        val_loss = evaluate(net, validation, batch_size, loss, every, outputs) if validation else None
        history.append({"epoch": epoch, "trainLoss": train_loss, "valLoss": val_loss, "seconds": time.time() - t0})
        if rank == 0 and not args.quiet:
            print(f"epoch {epoch}/{epochs}: training loss {train_loss:.10g}" + (f", validation {val_loss:.10g}" if val_loss is not None else ""), flush=True)
        score = val_loss if val_loss is not None else train_loss
        if score < best[0]:
            best = (score, epoch, [p.detach().clone() for p in net.parameters()] if restore_best else None)
        if validation and patience > 0 and epoch - best[1] >= patience:
            break
    if restore_best and best[2] is not None:
        with torch.no_grad():
            for p, w in zip(net.parameters(), best[2]):
                p.copy_(w)
    if rank == 0:
        save_weights(net.model, args.out)
        results.append(history) if isinstance(results, list) else results.put(history)
    if world > 1:
        dist.destroy_process_group()


def _spawned(rank, world, args, queue):
    run(rank, world, args, queue)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def compare(history, tolerance):
    """Every epoch's losses against the playground's; True when all agree to the relative tolerance."""
    ours = PLAN["training"]["history"]
    worst, ok = 0.0, True
    print(f"{'epoch':>5}  {'playground':>22}  {'pytorch':>22}  relative difference")
    for e, (mine, theirs) in enumerate(zip(history, ours), 1):
        for key in ("trainLoss", "valLoss"):
            a, b = theirs[key], mine[key]
            if a is None or b is None:
                continue
            rel = abs(a - b) / max(abs(a), 1e-300)
            worst = max(worst, rel)
            ok = ok and rel <= tolerance
            if key == "trainLoss":
                print(f"{e:>5}  {a:>22.16g}  {b:>22.16g}  {rel:.1e}" + ("" if rel <= tolerance else "  <- off"))
    if len(history) != len(ours):
        print(f"the playground trained {len(ours)} epochs; this run {len(history)}")
        ok = False
    verdict = "the same" if ok else "DIFFERENT"
    print(f"check: {len(history)} epochs, training and validation losses {verdict} as the playground's to {tolerance:g} (worst {worst:.1e})")
    return ok


PLAN = playground_data.load_plan()


def main():
    parser = argparse.ArgumentParser(description="Trains the exported RNN Playground model in PyTorch, as the playground did.")
    parser.add_argument("--epochs", type=int, help="epochs to train (default: the playground run's, %d)" % len(PLAN["training"]["orders"]))
    parser.add_argument("--check", action="store_true", help="compare every epoch's losses with the playground's; exit 1 when one is off")
    parser.add_argument("--tolerance", type=float, default=1e-9, help="relative tolerance of --check (default: %(default)g)")
    parser.add_argument("--world-size", type=int, default=1, help="processes for DistributedDataParallel (gloo), started here")
    parser.add_argument("--csv", help="the CSV (default: the file the model was trained on)")
    parser.add_argument("--out", default=os.path.join(HERE, "trained_state_dict.json"), help="where to write the weights (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no line per epoch")
    args = parser.parse_args()
    if args.check and args.epochs not in (None, len(PLAN["training"]["orders"])):
        sys.exit("train.py: --check replays the playground's run; leave out --epochs")
    if args.world_size < 1:
        sys.exit("train.py: --world-size must be 1 or more")
    try:
        playground_data.csv_path_of(PLAN, args.csv)
        if args.world_size > 1 and "RANK" not in os.environ:
            playground_data.load(PLAN, args.csv)  # a problem with the data, said once here rather than by every process
    except (playground_data.DataError, OSError) as e:
        sys.exit(f"train.py: {e}")
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        results = []
        run(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), args, results)
        if not results:
            return
        history = results[0]
    elif args.world_size > 1:
        import torch.multiprocessing as mp
        args.port = free_port()
        ctx = mp.get_context("spawn")
        queue = ctx.SimpleQueue()
        mp.spawn(_spawned, args=(args.world_size, args, queue), nprocs=args.world_size, join=True)
        history = queue.get()
    else:
        results = []
        try:
            run(0, 1, args, results)
        except (playground_data.DataError, OSError) as e:
            sys.exit(f"train.py: {e}")
        history = results[0]
    print(f"wrote {args.out}")
    if args.check and not compare(history, args.tolerance):
        sys.exit(1)


if __name__ == "__main__":
    main()
`;
