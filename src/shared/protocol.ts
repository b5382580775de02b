/**
 * The one typed protocol between the extension host, the engine worker and the webviews. Four discriminated unions;
 * requests carry an `id`, replies an `inReplyTo`. This module imports nothing but types.
 */
import type { GradCheckReport, ModelConfig } from '../engine/index';

/** Host → worker: run a finite-difference gradient check on a seeded random model. */
export interface GradcheckRunMessage {
  type: 'gradcheck/run';
  id: number;
  config: ModelConfig;
  steps: number;
  batch: number;
  seed: number;
}

/** Host → worker: answer a liveness probe. */
export interface PingMessage {
  type: 'worker/ping';
  id: number;
}

/** Everything the host sends to the worker. */
export type ToWorker = GradcheckRunMessage | PingMessage;

/** Worker → host: the gradient check's report. */
export interface GradcheckResultMessage {
  type: 'gradcheck/result';
  inReplyTo: number;
  report: GradCheckReport;
}

/** Worker → host: reply to a ping. */
export interface PongMessage {
  type: 'worker/pong';
  inReplyTo: number;
}

/** Worker → host: a request failed; `message` is meant for the user. */
export interface ErrorMessage {
  type: 'error';
  inReplyTo: number;
  message: string;
}

/** Everything the worker sends to the host. */
export type FromWorker = GradcheckResultMessage | PongMessage | ErrorMessage;

/** Host → webview: state to show (filled by the playground issue). */
export interface ShowStateMessage {
  type: 'state/show';
  title: string;
}

/** Everything the host sends to a webview. */
export type ToWebview = ShowStateMessage;

/** Webview → host: the webview has loaded and listens. */
export interface ReadyMessage {
  type: 'webview/ready';
}

/** Everything a webview sends to the host (validated on arrival). */
export type FromWebview = ReadyMessage;

/** Exhaustiveness guard for switches over the unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(x)}`);
}
