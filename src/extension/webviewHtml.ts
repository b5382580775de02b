/** The HTML shell shared by the side view and the panels: strict CSP, one nonce'd script, one stylesheet. */
import * as vscode from 'vscode';

/** Restricts a webview to the built assets and returns its page: `<main id=rootId>` plus `dist/<script>` and `media/<style>`. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, parts: { script: string; style: string; rootId: string; live?: boolean }): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(media, parts.style))}">
<title>RNN Playground</title></head>
<body><main id="${parts.rootId}"${parts.live ? ' aria-live="polite"' : ''}></main>
<script nonce="${nonce}" src="${webview.asWebviewUri(vscode.Uri.joinPath(dist, parts.script))}"></script></body></html>`;
}
