/** `rnn-playground make-task adding|copy|order|sessions --length T --count N --seed S --out FILE`. */
import { makeTask, writeTaskCsv, type TaskName } from '../../data/tasks';
import { FileExistsError } from '../../data/writeFile';
import { UsageError } from '../errors';
import { choice, intOpt, type Values } from './dataCommon';

const DEFAULT_LENGTH: Record<TaskName, number> = { adding: 50, copy: 20, order: 60, sessions: 60 };

/** Runs the command. */
export function makeTaskCommand(task: string, v: Values) {
  if (!['adding', 'copy', 'order', 'sessions'].includes(task)) throw new UsageError(`make-task: unknown task "${task}" (adding, copy, order, sessions)`);
  const name = task as TaskName;
  if (typeof v.out !== 'string') throw new UsageError('make-task needs --out FILE.csv');
  const variant = choice(v, 'variant', 'uniform', ['uniform', 'original'] as const);
  if (v.variant !== undefined && name !== 'adding') throw new UsageError('--variant applies to the adding task only');
  const size = { length: intOpt(v, 'length', DEFAULT_LENGTH[name], 1, 100000), count: intOpt(v, 'count', 500, 1, 1_000_000), seed: intOpt(v, 'seed', 0, 0, 2 ** 31 - 1), variant };
  let t;
  try {
    t = makeTask(name, size);
    writeTaskCsv(v.out, t, v.force === true);
  } catch (e) {
    if (e instanceof FileExistsError || e instanceof RangeError) throw new UsageError(e.message);
    throw new UsageError(`cannot write ${v.out}: ${(e as Error).message}`);
  }
  return { pass: true, report: { task: name, out: v.out, rows: t.rows.length, columns: t.header, ...size, description: t.description }, text: `${v.out}: ${t.description} (${t.rows.length.toLocaleString('en')} rows)` };
}
