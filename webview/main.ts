/** Webview entry point: announces itself to the host. The playground views are built on this later. */
import type { FromWebview } from '../src/shared/protocol';

declare function acquireVsCodeApi(): { postMessage(msg: FromWebview): void };

const vscodeApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
vscodeApi?.postMessage({ type: 'webview/ready' });
