/** The `data.py` of a PyTorch training project (`export --training`): the CSV read with the plan in `training.json`. */
export const DATA_PY = String.raw`"""Reads the CSV an RNN Playground model was trained on and rebuilds its training and validation samples.

Nothing here is guessed again: training.json (written by the playground's export) records what the playground
decided, and this file only applies it -
  * which columns are inputs and targets (and the label column with its classes, for classification),
  * which file lines form each sequence, in reading order (sequence ids, gaps dropped, newest-first files reversed),
  * the gap policy (forward fill or linear interpolation over each sequence; dropped rows are simply not listed),
  * the transform of each column (none, diff, returns, log-returns: the first row of a sequence is used up),
  * the z-scores fitted on the training rows (mean and standard deviation per input and per target),
  * every sample: its sequence, first step and length (the windows), and whether it is for training or validation.

Cells are read as the playground reads them: plain numbers, a decimal comma when the file uses one, numbers written
for people (1,234.5  $12  12.5%  3.4M  (1,234)), and the missing-value markers the playground met (NA, null, ...).

    python3 data.py [--csv PATH]      reads the data and checks it against the sums the playground recorded
"""

import argparse
import csv
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PLAN_FILE = os.path.join(HERE, "training.json")

_PLAIN = re.compile(r"^[ \t]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$")
_GROUPS_DOT = re.compile(r"^\d{1,3}(?:,\d{3})*(?:\.\d+)?$")
_GROUPS_COMMA = re.compile(r"^\d{1,3}(?:[. \u00a0]\d{3})*(?:,\d+)?$")


class DataError(Exception):
    """The CSV does not give what the plan describes (another file, or the file changed since training)."""


def load_plan(path=PLAN_FILE):
    with open(path) as f:
        return json.load(f)


def plain_number(text, decimal_comma):
    """A plain decimal number (1e-3, -.5, +2, 1.) or None."""
    t = text.replace(",", ".") if decimal_comma else text
    if decimal_comma and "." in text:
        return None
    if not _PLAIN.match(t):
        return None
    v = float(t)
    return v if math.isfinite(v) else None


def formatted_number(text, decimal_comma):
    """A number written for people: thousands groups, a currency sign, a percent sign, K/M/B, (negative); or None."""
    s = text.strip()
    negative = False
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        negative = True
        s = s[1:-1].strip()
    if s.startswith("-"):
        negative = not negative
        s = s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if s[:1] in ("$", "\u20ac", "\u00a3", "\u00a5"):
        s = s[1:].strip()
    if s.startswith("-") and not negative:
        negative = True
        s = s[1:]
    scale = 1
    last = s[-1:]
    if last == "%":
        s = s[:-1].strip()
    elif last in ("K", "M", "B"):
        scale = {"K": 1e3, "M": 1e6, "B": 1e9}[last]
        s = s[:-1]
    if len(s) == 0 or len(s) > 40:
        return None
    groups = _GROUPS_COMMA if decimal_comma else _GROUPS_DOT
    if groups.match(s):
        plain = re.sub(r"[. \u00a0]", "", s).replace(",", ".", 1) if decimal_comma else s.replace(",", "")
    elif s != text.strip():
        plain = s.replace(",", ".", 1) if decimal_comma else s
    else:
        return None
    if not _PLAIN.match(plain):
        return None
    v = (-1 if negative else 1) * float(plain) * scale
    return v if math.isfinite(v) else None


def cell_value(text, markers, decimal_comma):
    """The number in a cell; NaN for an empty cell, a missing-value marker or a cell that is not a number."""
    text = text.replace("\ufeff", "")  # a byte-order mark inside the file (two files joined) counts as blank, as in the playground
    t = text.strip()
    if t == "" or t in markers:
        return math.nan
    v = plain_number(text, decimal_comma)
    if v is None:
        v = formatted_number(text, decimal_comma)
    return math.nan if v is None else v


def expand(runs):
    """[[first, last], ...] runs of file lines (last < first: counting down) -> the lines, in order."""
    out = []
    for first, last in runs:
        out.extend(range(first, last + 1) if last >= first else range(first, last - 1, -1))
    return out


def read_lines(plan, csv_path):
    """The cells the plan needs, by file line: the used columns' numbers and the label's text."""
    spec = plan["csv"]
    columns = plan["columns"]
    label = plan.get("label")
    needed = set()
    for s in plan["sequences"]:
        needed.update(expand(s["lines"]))
    width = max([c["index"] for c in columns] + ([label["index"]] if label else [])) + 1
    found = {}
    csv.field_size_limit(1 << 30)  # the playground reads fields of up to 8 million characters
    # lines end at \n only (a lone \r is a character, as in the playground); bytes that are not UTF-8 are read as U+FFFD,
    # as the playground's decoder does; blanks before an opening quote are skipped, as the playground skips them
    with open(csv_path, newline="\n", encoding="utf-8-sig", errors="replace") as f:
        reader = csv.reader(f, delimiter=spec["delimiter"], skipinitialspace=True)
        line = 1
        for record in reader:
            start = line
            line = reader.line_num + 1
            if start not in needed:
                continue
            if len(record) < width:
                record = record + [""] * (width - len(record))
            values = [cell_value(record[c["index"]], c["missing"], spec["decimalComma"]) for c in columns]
            found[start] = (values, record[label["index"]] if label else None)
    lost = needed.difference(found)
    if lost:
        first = min(lost)
        raise DataError(f"{csv_path}: line {first} holds no record ({len(lost)} of the lines the model was trained on are missing); is this the file it was trained on?")
    return found


def fill(values, policy):
    """Gaps of one sequence (a list of rows of numbers), filled in place as the playground fills them."""
    n = len(values)
    for k in range(len(values[0]) if n else 0):
        last = -1
        for i in range(n):
            v = values[i][k]
            if v == v:
                if policy == "interpolate" and last >= 0 and i - last > 1:
                    a = values[last][k]
                    for j in range(last + 1, i):
                        values[j][k] = a + ((v - a) * (j - last)) / (i - last)
                last = i
            elif last >= 0 and policy == "ffill":
                values[i][k] = values[last][k]
        if policy == "interpolate" and last >= 0:
            for i in range(last + 1, n):
                values[i][k] = values[last][k]


def transformed(t, v, prev):
    if t == "none":
        return v
    if t == "diff":
        return v - prev
    if t == "returns":
        return math.nan if prev == 0 else v / prev - 1
    if not (prev > 0 and v > 0):
        return math.nan
    ratio = v / prev
    return math.log(ratio) if 0 < ratio < math.inf else math.log(v) - math.log(prev)


def zscore(v, mean, std):
    d = v - mean
    return d / std if d - d == 0 else v / std - mean / std


class Sequence:
    """One sequence as the model reads it: value(k, i) of used column k at step i (before scaling), and labels."""

    def __init__(self, plan, s, cells):
        lines = expand(s["lines"])
        rows = [list(cells[line][0]) for line in lines]
        if plan["missing"] in ("ffill", "interpolate"):
            fill(rows, plan["missing"])
        rows = rows[s["lead"]:]
        self.before = rows[0] if s["before"] and rows else None
        self.rows = rows[1:] if s["before"] else rows
        self.transforms = plan["transforms"]
        self.labels = None
        if plan.get("label"):
            kept = lines[s["lead"] + (1 if s["before"] else 0):]
            self.labels = [class_index(plan, cells[line][1], line) for line in kept]

    def level(self, k, i):
        return self.before[k] if i < 0 else self.rows[i][k]

    def value(self, k, i):
        t = self.transforms[k]
        return self.level(k, i) if t == "none" else transformed(t, self.level(k, i), self.level(k, i - 1))


def class_index(plan, text, line):
    classes = plan["classes"]
    label = plan["label"]
    if label["numeric"]:
        v = cell_value(text, [], plan["csv"]["decimalComma"])
        for k, c in enumerate(classes):
            if float(c) == v:
                return k
    else:
        for candidate in (text, text.strip()):
            if candidate in classes:
                return classes.index(candidate)
        # a text column that began with numbers keeps those cells in their number's shortest form ("01" is "1")
        v = cell_value(text, [], plan["csv"]["decimalComma"])
        if v == v:
            for k, c in enumerate(classes):
                try:
                    if float(c) == v:
                        return k
                except ValueError:
                    pass
    raise DataError(f"line {line}, column {label['name']!r}: label {text!r} is not one of the classes the model was trained on")


def samples_of(plan, sequences, sources):
    """(x [steps][inputs], y) per sample: y is [outputs] (one per sequence), [steps][outputs] or class indices."""
    sc = plan["scaler"]
    fk, tk = plan["features"], plan["targets"]
    task, every = plan["task"], plan["granularity"] == "step"
    shift = 1 if task == "next-step" else 0
    out = []
    for seq, start, steps in sources:
        s = sequences[seq]
        x = [[zscore(s.value(k, i), sc["featureMean"][j], sc["featureStd"][j]) for j, k in enumerate(fk)] for i in range(start, start + steps)]
        if task == "classify":
            y = s.labels[start:start + steps] if every else [s.labels[0]]
        elif not every:
            y = [zscore(s.value(k, start), sc["targetMean"][j], sc["targetStd"][j]) for j, k in enumerate(tk)]
        else:
            y = [[zscore(s.value(k, i), sc["targetMean"][j], sc["targetStd"][j]) for j, k in enumerate(tk)] for i in range(start + shift, start + shift + steps)]
        out.append((x, y))
    return out


def csv_path_of(plan, given=None):
    """--csv, else the path the model was trained on, else the same path relative to this folder."""
    if given:
        return given
    for path in (plan["csv"]["file"], os.path.join(HERE, plan["csv"]["relative"])):
        if os.path.exists(path):
            return path
    raise DataError(f"cannot find {plan['csv']['file']} (the CSV the model was trained on); pass --csv PATH")


def _flat(a):
    for v in a:
        if isinstance(v, list):
            yield from _flat(v)
        else:
            yield v


def check(plan, name, samples):
    """Compares the samples with the counts and sums the playground recorded for them."""
    want = plan["check"][name]
    if len(samples) != want["count"]:
        raise DataError(f"{name}: {len(samples)} samples; the model was trained with {want['count']} (another file, or it changed)")
    for what, index in (("x", 0), ("y", 1)):
        total = math.fsum(v for s in samples for v in _flat(s[index]))
        squares = math.fsum(v * v for s in samples for v in _flat(s[index]))
        for got, expected, label in ((total, want[what + "Sum"], "sum"), (squares, want[what + "Squares"], "sum of squares")):
            if not abs(got - expected) <= 1e-9 * max(1.0, abs(expected)):  # (NaN fails too)
                raise DataError(f"{name} {what}: {label} {got!r}, recorded {expected!r}: the data differ from the model's (another file, or it changed)")


def load(plan=None, csv_path=None):
    """(training samples, validation samples), checked against the record."""
    plan = plan or load_plan()
    path = csv_path_of(plan, csv_path)
    cells = read_lines(plan, path)
    sequences = [Sequence(plan, s, cells) for s in plan["sequences"]]
    train = samples_of(plan, sequences, plan["train"])
    validation = samples_of(plan, sequences, plan["validation"])
    check(plan, "train", train)
    check(plan, "validation", validation)
    return train, validation


def main():
    parser = argparse.ArgumentParser(description="Reads the CSV an RNN Playground model was trained on, as the playground read it.")
    parser.add_argument("--csv", help="the CSV (default: the file the model was trained on)")
    args = parser.parse_args()
    plan = load_plan()
    try:
        train, validation = load(plan, args.csv)
    except (DataError, OSError) as e:
        sys.exit(f"data.py: {e}")
    print(f"{csv_path_of(plan, args.csv)}: {len(train)} training and {len(validation)} validation samples of "
          f"{len(plan['features'])} input(s), as the playground built them (counts and sums match its record)")


if __name__ == "__main__":
    main()
`;
