#!/usr/bin/env python3
"""Writes a reference file in the torch-golden.json layout with PyTorch (float64, or float32 with --dtype float32), at
any sizes.

Usage: /usr/bin/python3 test/golden/make_golden.py --input D --hidden M --steps T --batch B --outputs P --seed S
       [--dtype float64|float32] --out FILE
In float32 every input, weight and result is a float32 value (written exactly as a JSON number); the engine checks
such a file with its float32 products (`rnn-playground golden FILE --precision float32`).
Needs Debian's python3-torch (apt-get install python3-torch). Users can run it to check the engine against their own
PyTorch: `rnn-playground golden FILE`.
"""
import argparse
import json

import torch


def tolist(t):
    return t.detach().tolist()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--input', type=int, default=5)
    ap.add_argument('--hidden', type=int, default=7)
    ap.add_argument('--steps', type=int, default=9)
    ap.add_argument('--batch', type=int, default=3)
    ap.add_argument('--outputs', type=int, default=1)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--dtype', choices=('float64', 'float32'), default='float64')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    torch.set_default_dtype(torch.float32 if a.dtype == 'float32' else torch.float64)
    D, M, T, B, P = a.input, a.hidden, a.steps, a.batch, a.outputs
    g = torch.Generator().manual_seed(a.seed)

    def rand(*shape, lo=-1.0, hi=1.0):
        return (torch.rand(*shape, generator=g) * (hi - lo) + lo)

    x = rand(B, T, D)
    h0 = rand(1, B, M, lo=-0.5, hi=0.5)
    c0 = rand(1, B, M, lo=-0.5, hi=0.5)
    Wy = rand(P, M, lo=-0.5, hi=0.5)
    by = rand(P, lo=-0.1, hi=0.1)
    target = rand(B, T, P)
    k = 1.0 / M ** 0.5
    models = {}
    for name, G in (('RNN_TANH', 1), ('RNN_RELU', 1), ('LSTM', 4), ('GRU', 3)):
        if name.startswith('RNN'):
            mod = torch.nn.RNN(D, M, batch_first=True, nonlinearity=name[4:].lower())
        elif name == 'LSTM':
            mod = torch.nn.LSTM(D, M, batch_first=True)
        else:
            mod = torch.nn.GRU(D, M, batch_first=True)
        with torch.no_grad():
            for p in mod.parameters():
                p.copy_(rand(*p.shape, lo=-k, hi=k))
            if name == 'RNN_RELU':
                mod.bias_ih_l0.add_(0.5)
        params = {n: tolist(p) for n, p in mod.named_parameters()}
        cases = []
        for init in ('zero', 'given'):
            case = {'init': init}
            xs = x.clone().requires_grad_(True)
            hs = (h0 if init == 'given' else torch.zeros(1, B, M)).clone().requires_grad_(True)
            cs = (c0 if init == 'given' else torch.zeros(1, B, M)).clone().requires_grad_(True)
            case['h0'] = tolist(hs)
            if name == 'LSTM':
                case['c0'] = tolist(cs)

            def run():
                if name == 'LSTM':
                    return mod(xs, (hs, cs))
                return mod(xs, hs)

            out, state = run()
            case['outputs'] = {'h_all': tolist(out), 'h_T': tolist(state[0] if name == 'LSTM' else state)}
            if name == 'LSTM':
                case['outputs']['c_T'] = tolist(state[1])
            losses = {}
            for loss_name in ('half_sum_sq_final_h', 'mse_linear_head_all_steps'):
                mod.zero_grad()
                for t in (xs, hs, cs):
                    t.grad = None
                Wyv = Wy.clone().requires_grad_(True)
                byv = by.clone().requires_grad_(True)
                out, state = run()
                hT = state[0] if name == 'LSTM' else state
                entry = {}
                if loss_name == 'half_sum_sq_final_h':
                    L = 0.5 * (hT ** 2).sum()
                else:
                    y = out @ Wyv.T + byv
                    L = torch.nn.functional.mse_loss(y, target)
                    entry['y_all'] = tolist(y)
                L.backward()
                grads = {n: tolist(p.grad) for n, p in mod.named_parameters()}
                grads['x'] = tolist(xs.grad)
                grads['h0'] = tolist(hs.grad)
                if name == 'LSTM':
                    grads['c0'] = tolist(cs.grad)
                if loss_name != 'half_sum_sq_final_h':
                    grads['W_y'] = tolist(Wyv.grad)
                    grads['b_y'] = tolist(byv.grad)
                entry['value'] = L.item()
                entry['grads'] = grads
                losses[loss_name] = entry
            case['losses'] = losses
            # One-step Jacobian for batch item 0 at the middle step, by autograd on a single step of the module.
            t4 = max(2, T // 2)
            with torch.no_grad():
                out, _ = run()
            hprev = (out[0, t4 - 2] if t4 >= 2 else hs[0, 0]).detach()
            xt = xs[0, t4 - 1].detach()
            if name == 'LSTM':
                # c_{t4-1} from a run of the first t4-1 steps
                with torch.no_grad():
                    _, (_, cprev) = mod(xs[:, : t4 - 1], (hs, cs))
                cprev = cprev[0, 0].detach()

                def step(s):
                    _, (h, c) = mod(xt.view(1, 1, D), (s[:M].view(1, 1, M), s[M:].view(1, 1, M)))
                    return torch.cat([h.view(M), c.view(M)])

                J = torch.autograd.functional.jacobian(step, torch.cat([hprev, cprev]))
                jac = {'h_prev': tolist(hprev), 'c_prev': tolist(cprev), 'x_t': tolist(xt), 'J': tolist(J)}
            else:
                def step(h):
                    _, s = mod(xt.view(1, 1, D), h.view(1, 1, M))
                    return s.view(M)

                J = torch.autograd.functional.jacobian(step, hprev)
                jac = {'h_prev': tolist(hprev), 'c_prev': None, 'x_t': tolist(xt), 'J': tolist(J)}
            case[f'jacobian_step_b0_t{t4}'] = jac
            cases.append(case)
        models[name] = {'parameters': params, 'cases': cases}
    doc = {
        'format_version': 1,
        'generator': {'script': 'test/golden/make_golden.py', 'torch_version': torch.__version__, 'dtype': a.dtype, 'seed': a.seed},
        'sizes': {'D_input': D, 'M_hidden': M, 'T_steps': T, 'B_batch': B, 'P_head_out': P},
        'shared_inputs': {'x': tolist(x), 'h0_given': tolist(h0), 'c0_given': tolist(c0), 'W_y': tolist(Wy), 'b_y': tolist(by), 'target': tolist(target)},
        'models': models,
    }
    with open(a.out, 'w') as f:
        json.dump(doc, f)


if __name__ == '__main__':
    main()
