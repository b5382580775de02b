/** Stopping runs and surviving a dead worker, inside the real extension host. */
/// <reference types="mocha" />
import * as assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RunSummary } from '../../src/shared/protocol';
import { playground, run, until, workspaceFile } from './util';

type Failure = { error: string; kind: string };

/** Registers the suite (called once mocha's globals exist). */
export function registerRecoveryTests(): void {
  suite('stop and recovery', () => {
    test('Stop Training stops a long run within a fraction of a second and keeps the partial result', async () => {
      const api = await playground();
      const running = run<RunSummary>('rnnPlayground.trainCsv', workspaceFile('adding-50.csv'), { training: { epochs: 1000 }, model: { hiddenSize: 32 }, save: true });
      await until(() => api.commands.busy > 0 && api.sidebar.current.losses.length >= 1, 60_000, 'the first epoch');
      const t0 = Date.now();
      const stopped = await run<{ stopped: number }>('rnnPlayground.stopTraining');
      assert.equal(stopped.stopped, 1);
      const s = await running;
      const ms = Date.now() - t0;
      assert.ok(!('error' in s), JSON.stringify(s));
      console.log(`      Stop Training → result in ${ms} ms (${s.epochs} epochs kept)`);
      assert.equal(s.status, 'cancelled');
      assert.equal(s.cancelled, true);
      assert.ok(s.epochs >= 1 && s.epochs < 1000);
      assert.ok(s.modelFile && fs.existsSync(s.modelFile), 'the partial model is saved');
      assert.ok(ms < 1500, `stopped after ${ms} ms`);
      assert.equal(api.commands.busy, 0);
    });

    test('reads never wait behind training: rows, a preview and an inspection are answered while a long run trains', async () => {
      const api = await playground();
      const csv = workspaceFile('adding-50.csv');
      let settled = false;
      const running = run<RunSummary>('rnnPlayground.trainCsv', csv, { training: { epochs: 1000 }, model: { hiddenSize: 32 }, save: false }).then((r) => {
        settled = true;
        return r;
      });
      await until(() => api.commands.busy > 0 && api.sidebar.current.losses.length >= 1, 60_000, 'the first epoch');
      const rows = await api.reads.request('data/rows', { csvFile: csv.fsPath, start: 100, count: 20 });
      assert.equal(rows.rows.length, 20);
      const preview = await api.reads.request('data/preview', { source: { file: csv.fsPath, defaults: {} } });
      assert.ok(preview.preview.sequences, 'the preview has the sequences');
      const inspection = await api.reads.request('sequence/inspect', { source: { file: csv.fsPath, defaults: {} }, modelFile: null, sequence: 2 });
      assert.ok(inspection.inspection);
      assert.equal(settled, false, 'all three were answered while the run was still training');
      assert.equal(api.engine.running && api.reads.running, true, 'two worker threads');
      await run('rnnPlayground.stopTraining');
      const s = await running;
      assert.equal(s.status, 'cancelled');
    });

    test('loading a large CSV keeps the extension host responsive', async () => {
      const big = workspaceFile('big-series.csv');
      const rows = ['t,value'];
      for (let i = 0; i < 400_000; i++) rows.push(`${i},${Math.sin(i / 50).toFixed(6)}`);
      fs.writeFileSync(big.fsPath, rows.join('\n'));
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const t0 = Date.now();
      const s = await run<RunSummary>('rnnPlayground.trainCsv', big, { training: { epochs: 1 }, model: { hiddenSize: 4 }, data: { window: { length: 20, stride: 200 } }, save: false });
      h.disable();
      assert.ok(!('error' in s), JSON.stringify(s));
      console.log(`      ${(fs.statSync(big.fsPath).size / 1e6).toFixed(1)} MB CSV read and trained in ${Date.now() - t0} ms; host event-loop delay max ${(h.max / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms`);
      assert.ok(h.max / 1e6 < 1000, `blocked ${h.max / 1e6} ms`);
      fs.unlinkSync(big.fsPath);
    });

    test('a worker killed mid-run is reported in plain words and replaced; the next command works', async () => {
      const api = await playground();
      const restarts = api.engine.restartCount;
      const running = run<Failure>('rnnPlayground.trainCsv', workspaceFile('adding-50.csv'), { training: { epochs: 1000 }, save: false });
      await until(() => api.sidebar.current.running !== null && /epoch/.test(api.sidebar.current.running.message), 60_000, 'training to start');
      api.engine.kill();
      const r = await running;
      assert.equal(r.kind, 'crashed');
      assert.match(r.error, /The engine stopped unexpectedly .*restarted; run the command again/);
      assert.equal(api.engine.restartCount, restarts + 1);
      const next = await run<{ passed: boolean }>('rnnPlayground.gradientCheck');
      assert.equal(next.passed, true);
    });

    test('a stuck worker is detected, reported and replaced', async () => {
      const api = await playground();
      const config = vscode.workspace.getConfiguration('rnnPlayground');
      await config.update('engine.stuckTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
      try {
        await until(() => api.engine.stuckAfterMs === 1000, 5000, 'the setting to apply');
        const t0 = Date.now();
        await assert.rejects(api.engine.request('worker/block', { ms: 30_000 }), /stopped responding/);
        assert.ok(Date.now() - t0 < 10_000);
      } finally {
        await config.update('engine.stuckTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
        await until(() => api.engine.stuckAfterMs === 120_000, 5000, 'the setting to be reset');
      }
      const next = await run<{ passed: boolean }>('rnnPlayground.gradientCheck');
      assert.equal(next.passed, true);
    });
  });
}
