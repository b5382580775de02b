/**
 * Role suggestion from values, one rule at a time, on small tables shaped like real files: every kind of time axis,
 * sequences and sessions, label candidates, targets, and the columns that must never be a feature or a target.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvText } from '../../../src/data/csv';
import { suggestRoles } from '../../../src/data/roles';

/** A CSV of `n` rows from a header and a row function. */
function csv(header: string, n: number, row: (i: number) => (string | number)[]): ReturnType<typeof parseCsvText> {
  const lines = [header];
  for (let i = 0; i < n; i++) lines.push(row(i).join(','));
  return parseCsvText(`${lines.join('\n')}\n`, 'roles.csv');
}
const wave = (i: number): number => +(50 + 10 * Math.sin(i / 3) + 3 * Math.cos(i * 1.7)).toFixed(3);
const pad = (k: number): string => String(k).padStart(2, '0');
const isoDay = (i: number): string => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);

/** Asserts the time axis (its first column), no sequence id, and the measured column as the only target. */
function timeAxis(t: ReturnType<typeof parseCsvText>, time: string, measured = 'v'): ReturnType<typeof suggestRoles> {
  const s = suggestRoles(t);
  assert.equal(s.time, time, JSON.stringify(s.reasons));
  assert.deepEqual(s.targets, [measured], JSON.stringify(s.reasons));
  assert.ok(!s.features.includes(time), `${time} is not an input`);
  return s;
}

test('row counters: 1 … n, 0 … n−1, any constant step; a time column beats a counter as the plot axis', () => {
  timeAxis(csv('n,v', 60, (i) => [i + 1, wave(i)]), 'n');
  timeAxis(csv(',v', 60, (i) => [i, wave(i)]), 'column 1');
  timeAxis(csv('idx,v', 60, (i) => [100 + 5 * i, wave(i)]), 'idx');
  const s = timeAxis(csv('row,date,v', 60, (i) => [i + 1, isoDay(i), wave(i)]), 'date');
  assert.match(s.reasons.row, /^ignored: time \(a row counter \(1, 2, …, 60\)\)/);
  assert.match(s.reasons.date, /^time: daily dates 2020-01-01 … 2020-02-29; the plot axis/);
});

test('years (also every ten years), decimal years, YYYYMMDD, YYYYMM, Unix seconds and milliseconds', () => {
  timeAxis(csv('Year,v', 50, (i) => [1900 + i, wave(i)]), 'Year');
  const census = timeAxis(csv('Unnamed: 0,year,v', 19, (i) => [i, 1790 + 10 * i, wave(i)]), 'year');
  assert.match(census.reasons['Unnamed: 0'], /row counter/);
  timeAxis(csv('time,v', 48, (i) => [(1949 + i / 12).toFixed(3), wave(i)]), 'time');
  assert.match(suggestRoles(csv('time,v', 48, (i) => [(1949 + i / 12).toFixed(3), wave(i)])).reasons.time, /decimal years/);
  timeAxis(csv('d,v', 40, (i) => [isoDay(i).replace(/-/g, ''), wave(i)]), 'd');
  timeAxis(csv('period,v', 40, (i) => [`${2000 + Math.floor(i / 12)}${pad((i % 12) + 1)}`, wave(i)]), 'period');
  timeAxis(csv('ts,v', 40, (i) => [1700000000 + 3600 * i, wave(i)]), 'ts');
  const ms = timeAxis(csv('stamp,v', 40, (i) => [1700000000000 + 86400000 * i, wave(i)]), 'stamp');
  assert.match(ms.reasons.stamp, /Unix milliseconds/);
});

test('text dates of every common form are time, whatever the column is called', () => {
  const forms: [string, (i: number) => string][] = [
    ['2024-01', (i) => `${2000 + Math.floor(i / 12)}-${pad((i % 12) + 1)}`],
    ['2024/01/02', (i) => isoDay(i).replace(/-/g, '/')],
    ['01/02/2024', (i) => { const [y, m, d] = isoDay(i).split('-'); return `${m}/${d}/${y}`; }],
    ['31/01/2024', (i) => { const [y, m, d] = isoDay(i).split('-'); return `${d}/${m}/${y}`; }],
    ['Jan-1-1995', (i) => `${['Jan', 'Feb', 'Mar', 'Apr'][Math.floor(i / 28)]}-${(i % 28) + 1}-1995`],
    ['1 Jan 1995', (i) => `${(i % 28) + 1} ${['Jan', 'Feb', 'Mar', 'Apr'][Math.floor(i / 28)]} 1995`],
    ['1974Q1', (i) => `${1974 + Math.floor(i / 4)}Q${(i % 4) + 1}`],
    ['1974-Q1', (i) => `${1974 + Math.floor(i / 4)}-Q${(i % 4) + 1}`],
    ['datetime', (i) => `${isoDay(Math.floor(i / 24))} ${pad(i % 24)}:00:00`],
  ];
  for (const [form, f] of forms) {
    const s = timeAxis(csv('when,v', 100, (i) => [f(i), wave(i)]), 'when');
    assert.match(s.reasons.when, /^time: /, form);
  }
});

test('year + quarter and year + month pairs (numbers or names) are one time axis; day number + hhmm carries on past midnight', () => {
  const q = suggestRoles(csv('year,quarter,v', 40, (i) => [1960 + Math.floor(i / 4), (i % 4) + 1, wave(i)]));
  assert.deepEqual(q.timeAxis?.columns, ['year', 'quarter']);
  assert.equal(q.sequenceId, null);
  assert.deepEqual(q.targets, ['v']);
  const m = suggestRoles(csv('Year,Month,v', 48, (i) => [1949 + Math.floor(i / 12), ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][i % 12], wave(i)]));
  assert.deepEqual(m.timeAxis?.columns, ['Year', 'Month']);
  const b = suggestRoles(csv('day,time,temp', 100, (i) => { const minutes = 9 * 60 + 30 + 10 * i; return [307 + Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60) * 100 + (minutes % 60), wave(i)]; }));
  assert.deepEqual(b.timeAxis?.columns, ['day', 'time']);
  assert.equal(b.sequenceId, null, 'one continuous recording');
  // the day of the month and of the week beside a year and month: parts of the date, never targets
  const births = suggestRoles(csv('year,month,date_of_month,day_of_week,births', 730, (i) => {
    const d = new Date(Date.UTC(1969, 0, 1 + i));
    return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), ((d.getUTCDay() + 6) % 7) + 1, 8000 + Math.round(1000 * Math.sin(i))];
  }));
  assert.deepEqual(births.timeAxis?.columns, ['year', 'month']);
  assert.deepEqual(births.targets, ['births']);
  assert.match(births.reasons.date_of_month, /^ignored: time/);
  assert.match(births.reasons.day_of_week, /^ignored: time/);
});

test('sessions keyed by a date repeated over each day\'s rows are sequences, never merged; the clock is the time within', () => {
  const s = suggestRoles(csv('date,time,price,volume', 300, (i) => {
    const day = Math.floor(i / 60);
    const minute = 9 * 60 + 30 + 5 * (i % 60);
    return [isoDay(day), `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`, (100 + Math.sin(i / 5)).toFixed(2), 1000 + (i % 7)];
  }));
  assert.equal(s.sequenceId, 'date');
  assert.equal(s.time, 'time');
  assert.match(s.reasons.date, /one session per date/);
  assert.deepEqual(s.targets, ['price']);
});

test('repeated measures: the subject is the sequence, a counter restarting in each is its time, a group constant within each is a label candidate', () => {
  const s = suggestRoles(csv('weight,Time,Chick,Diet', 120, (i) => {
    const chick = Math.floor(i / 12);
    return [(40 * Math.exp(0.1 * (i % 12)) + chick + Math.sin(i)).toFixed(1), 2 * (i % 12), chick + 1, Math.floor(chick / 3) + 1];
  }));
  assert.equal(s.sequenceId, 'Chick');
  assert.equal(s.time, 'Time');
  assert.equal(s.label, 'Diet');
  assert.equal(s.task, 'next-step', 'a label candidate is not the task');
  assert.deepEqual(s.targets, ['weight']);
  assert.ok(!s.features.includes('Chick') && !s.features.includes('Diet'));
  assert.match(s.reasons.Diet, /candidate, used when the task is classify/);
});

test('a panel of symbols: the symbol is the sequence, the date within it the time, the price the target', () => {
  const s = suggestRoles(csv('symbol,date,price', 200, (i) => [['AAPL', 'MSFT', 'IBM', 'AMZN'][Math.floor(i / 50)], isoDay(i % 50), (20 + (i % 50) + Math.sin(i)).toFixed(2)]));
  assert.equal(s.sequenceId, 'symbol');
  assert.equal(s.time, 'date');
  assert.deepEqual(s.targets, ['price']);
});

test('targets are measured variables: the named series among prices, all of a few, the first eight of many; indicators stay inputs', () => {
  const ohlc = suggestRoles(csv('Date,Open,High,Low,Close,Volume', 60, (i) => [isoDay(i), wave(i), wave(i) + 1, wave(i) - 1, wave(i) + 0.5, 1e6 + i * 37]));
  assert.deepEqual(ohlc.targets, ['Close']);
  assert.match(ohlc.targetReason, /"Close" is named as the series/);
  const few = suggestRoles(csv('date,temp_max,temp_min,wind,holiday', 60, (i) => [isoDay(i), wave(i), wave(i + 3), wave(i + 7) / 10, i % 7 === 0 ? 1 : 0]));
  assert.deepEqual(few.targets, ['temp_max', 'temp_min', 'wind']);
  assert.ok(few.features.includes('holiday'));
  assert.match(few.reasons.holiday, /indicator/);
  const many = suggestRoles(csv(`date,${Array.from({ length: 12 }, (_, k) => `x${k}a`).join(',')}`, 60, (i) => [isoDay(i), ...Array.from({ length: 12 }, (_, k) => wave(i + k * 5))]));
  assert.equal(many.targets.length, 8);
  assert.match(many.targetReason, /12 measured variables: the first 8/);
});

test('a typo keeps a column numeric and its reason names the bad cell; a mostly-text column is text', () => {
  const t = csv('Month,v', 60, (i) => [`${2000 + Math.floor(i / 12)}-${pad((i % 12) + 1)}`, i === 20 ? 'abc' : wave(i)]);
  const s = suggestRoles(t);
  assert.deepEqual(s.targets, ['v']);
  assert.match(s.reasons.v, /1 bad cell \(line 22: "abc"\)/);
  const words = suggestRoles(csv('date,weather,v', 60, (i) => [isoDay(i), ['sun', 'rain', 'fog'][i % 3], wave(i)]));
  assert.match(words.reasons.weather, /^ignored: text \(sun, rain, fog\)/);
});
