/**
 * Edits to an experiment file's text from the playground panel: each change sets one field (`model.cell`,
 * `training.learningRate`, `data.features` …) with the smallest text edit that keeps the rest of the file as the user
 * wrote it (formatting, key order, `description`). The result is parsed before anything is written, so a change the
 * parser would reject comes back as an ExperimentError naming the field, and the file stays as it was.
 */
import { applyEdits, modify, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { EXPERIMENT_FIELDS, type ExperimentChange, type RoleChoice } from '../shared/protocol';
import type { ColumnRoles } from '../data/roles';
import { ExperimentError, parseExperimentText, type Experiment, type ExperimentPatch } from '../data/experiment';

/** One replacement in the text (offsets in UTF-16 code units, as VS Code's positionAt expects). */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/** The indentation the file already uses (two spaces when it cannot tell). */
function indentOf(text: string): { tabSize: number; insertSpaces: boolean; eol: string } {
  const m = /\n([ \t]+)"/.exec(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (m && m[1].startsWith('\t')) return { tabSize: 1, insertSpaces: false, eol };
  return { tabSize: m ? Math.min(8, m[1].length) : 2, insertSpaces: true, eol };
}

/**
 * Applies `changes` to an experiment file's text. Returns the edits, the new text and the parsed experiment; throws
 * ExperimentError (file unchanged) when the text is not JSON or a change makes the experiment invalid.
 */
export function editExperimentText(text: string, changes: readonly ExperimentChange[], where: string, defaults: ExperimentPatch = {}): { edits: TextEdit[]; text: string; experiment: Experiment } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length || !tree || tree.type !== 'object') {
    const e = errors[0];
    if (e) {
      const before = text.slice(0, e.offset);
      const line = before.split('\n').length;
      throw new ExperimentError(`${where} line ${line}, column ${e.offset - before.lastIndexOf('\n')}: ${printParseErrorCode(e.error)}; fix the file before editing it from the playground`);
    }
    throw new ExperimentError(`${where}: an experiment must be a JSON object; fix the file before editing it from the playground`);
  }
  const formattingOptions = indentOf(text);
  let out = text;
  const all: TextEdit[] = [];
  for (const c of changes) {
    if (!(EXPERIMENT_FIELDS as readonly string[]).includes(c.field)) throw new ExperimentError(`${where}: ${c.field} cannot be edited from the playground`, c.field);
    let value = c.value;
    if (c.field === 'data.transforms' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // merged into the file's transforms: a column set to null goes back to the data's choice
      const current = (JSON.parse(out) as { data?: { transforms?: Record<string, unknown> } }).data?.transforms ?? {};
      const merged: Record<string, unknown> = { ...current };
      for (const [col, t] of Object.entries(value)) {
        if (t === null) delete merged[col];
        else merged[col] = t;
      }
      value = merged;
    }
    const edits = modify(out, c.field.split('.'), value === undefined ? undefined : value, { formattingOptions });
    out = applyEdits(out, edits);
    all.push(...edits);
  }
  const experiment = parseExperimentText(out, where, defaults);
  // the edits were computed one after another on changing text; one replacement of the changed span is exact
  return { edits: all.length ? [spanEdit(text, out)] : [], text: out, experiment };
}

/** The single edit that turns `before` into `after`: the span between their common prefix and suffix. */
export function spanEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { offset: start, length: before.length - start - end, content: after.slice(start, after.length - end) };
}

/** The roles after giving column `name` the role `choice` (a single role moves from the column that had it). */
export function withRole(roles: ColumnRoles, name: string, choice: RoleChoice): ColumnRoles {
  const next: ColumnRoles = {
    features: roles.features.filter((c) => c !== name), targets: roles.targets.filter((c) => c !== name),
    sequenceId: roles.sequenceId === name ? null : roles.sequenceId, label: roles.label === name ? null : roles.label, time: roles.time === name ? null : roles.time,
  };
  if (choice === 'feature' || choice === 'feature+target') next.features.push(name);
  if (choice === 'target' || choice === 'feature+target') next.targets.push(name);
  if (choice === 'sequenceId') next.sequenceId = name;
  if (choice === 'label') next.label = name;
  if (choice === 'time') next.time = name;
  return next;
}

/** The experiment changes that write `roles` out in full. */
export function roleChanges(roles: ColumnRoles): ExperimentChange[] {
  return [
    { field: 'data.features', value: roles.features }, { field: 'data.targets', value: roles.targets },
    { field: 'data.sequenceId', value: roles.sequenceId }, { field: 'data.label', value: roles.label }, { field: 'data.time', value: roles.time },
  ];
}

/** The roles an experiment states, with `fallback` (the roles in effect, e.g. suggested) where it says nothing. */
export function statedRoles(data: { features?: string[]; targets?: string[]; sequenceId?: string | null; label?: string | null; time?: string | null }, fallback: ColumnRoles): ColumnRoles {
  return {
    features: data.features ?? fallback.features, targets: data.targets ?? fallback.targets,
    sequenceId: data.sequenceId === undefined ? fallback.sequenceId : data.sequenceId,
    label: data.label === undefined ? fallback.label : data.label,
    time: data.time === undefined ? fallback.time : data.time,
  };
}
