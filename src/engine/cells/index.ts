/**
 * The cell registry: every built-in cell's descriptor (./types.ts). The engine, the analysis, the exporter, the
 * experiment parser, the CLI, the settings and (through the generated src/shared/cellCatalog.ts) the webviews read
 * the cells from here. To add a cell: write its file with a descriptor and add one line below, then
 * `npm run gen:cells` to regenerate the catalog, the settings enums and the experiment schema.
 */
import { vanillaCell } from './vanilla';
import { lstmCell } from './lstm';
import { gruCell } from './gru';
import { gatedCell } from './gated';
import { indrnnCell } from './indrnn';
import type { CellDescriptor, CellVariant } from './types';
import { customCell } from './custom/index';

/** Every built-in cell by kind, in menu order. */
export const CELLS = {
  vanilla: vanillaCell,
  lstm: lstmCell,
  gru: gruCell,
  gated: gatedCell,
  indrnn: indrnnCell,
} satisfies Record<string, CellDescriptor>;

/** A built-in cell's kind (`lstm`). */
export type BuiltinCellKind = keyof typeof CELLS;

/** A cell's kind: a built-in one, or `custom` (a cell defined by its equations). */
export type CellKind = BuiltinCellKind | 'custom';

/** The built-in kinds, in menu order. */
export const CELL_KINDS = Object.keys(CELLS) as BuiltinCellKind[];

/** Whether a string names a built-in cell. */
export function isCellKind(kind: unknown): kind is BuiltinCellKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(CELLS, kind);
}

/** The descriptor of a built-in cell kind; throws naming the known kinds. */
export function cellOf(kind: string): CellDescriptor {
  if (kind === 'custom') throw new RangeError('a custom cell is made from its equations: use cellFor(config)');
  if (!isCellKind(kind)) throw new RangeError(`unknown cell "${kind}" (${CELL_KINDS.join(', ')}, custom)`);
  return CELLS[kind];
}

/** The descriptor of a model's cell: a built-in one, or the one compiled from `equations` for `custom`. */
export function cellFor(cfg: { cell: string; equations?: readonly string[] | null }): CellDescriptor {
  if (cfg.cell === 'custom') {
    if (!cfg.equations) throw new RangeError('a custom cell needs its equations (model.equations)');
    return customCell(cfg.equations);
  }
  return cellOf(cfg.cell);
}

/** How many vectors of the hidden size the recurrent state holds (h: 1; (h, c): 2; a custom cell: its states). */
export function stateCount(desc: CellDescriptor): number {
  return desc.states?.length ?? (desc.cellState ? 2 : 1);
}

/** The variant settings of a model configuration. */
export function variantOf(cfg: { activation: CellVariant['activation']; coupled: boolean; forgetBias1?: boolean }): CellVariant {
  return { activation: cfg.activation, coupled: cfg.coupled, forgetBias1: cfg.forgetBias1 ?? false };
}

/** Every cell and variant worth checking on its own: each activation a cell accepts, free and coupled gates. */
export function cellVariants(): { cell: BuiltinCellKind; activation?: CellVariant['activation']; coupled?: boolean }[] {
  const out: { cell: BuiltinCellKind; activation?: CellVariant['activation']; coupled?: boolean }[] = [];
  for (const cell of CELL_KINDS) {
    const d = CELLS[cell] as CellDescriptor;
    const acts = d.activations ? d.activations.map((activation) => ({ cell, activation })) : [{ cell }];
    for (const a of acts) {
      out.push(a);
      if (d.coupledOption) out.push({ ...a, coupled: true });
    }
  }
  return out;
}

export type { CellDescriptor, CellVariant, GateInfo, EquationLine, TorchMapping, CellPreset, BoundKind } from './types';
