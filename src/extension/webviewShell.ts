/**
 * The one HTML page both webviews load (the side view and the playground panel): a nonce-only Content Security Policy,
 * the styles, one `<main>` for the script to fill, and the script, by URL or inlined.
 */
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';

/** What a webview page holds. */
export interface ShellOptions {
  /** The extension's root (dist/ and media/ are under it). */
  extensionUri: vscode.Uri;
  /** The id of the `<main>` the script renders into. */
  mainId: string;
  /** Extra attributes of `<main>` (e.g. `aria-live="polite"`). */
  mainAttributes?: string;
  /** Style sheets, as paths under the extension root. */
  styles: string[];
  /** The bundled script under dist/. */
  script: string;
  /**
   * Inline the script and the styles (with the nonce) instead of loading them by URL: in VS Code for the Web, a webview
   * created while another is being created can have its resource requests answered by the other's service worker and
   * never load its script or its styles (seen with Open Playground revealing the side view and opening a panel at once:
   * the side view drawn without its stylesheet).
   */
  inlineScript?: boolean;
}

/**
 * Sets a webview's options (scripts on, resources from dist/ and media/ only) and returns its page. Its policy: scripts
 * only with the page's nonce; styles from the extension's files, plus `<style>` elements carrying the nonce: the side
 * view's own stylesheet when inlined (below), and the toolkit's (FAST's) probe for `:focus-visible` support, an empty
 * `<style>` that reads the nonce from the `csp-nonce` meta tag — blocked, it would make every control show its focus
 * ring on mouse clicks too. The toolkit's own styles are constructed stylesheets (`adoptedStyleSheets`), which the
 * policy does not govern. No inline style attributes are allowed.
 */
export function webviewShell(webview: vscode.Webview, o: ShellOptions): string {
  const dist = vscode.Uri.joinPath(o.extensionUri, 'dist');
  const media = vscode.Uri.joinPath(o.extensionUri, 'media');
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
  const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const uri = (rel: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(o.extensionUri, ...rel.split('/')));
  const scriptFile = vscode.Uri.joinPath(dist, o.script);
  const script = o.inlineScript
    ? `<script nonce="${nonce}">${readFileSync(scriptFile.fsPath, 'utf8').replace(/<\/script/gi, '<\\/script').replace(/\n\/\/# sourceMappingURL=.*$/, '')}</script>`
    : `<script nonce="${nonce}" src="${webview.asWebviewUri(scriptFile)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource} 'nonce-${nonce}'; font-src ${webview.cspSource}; img-src ${webview.cspSource} data:;">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styles.map((s) => (o.inlineScript
    ? `<style nonce="${nonce}">${readFileSync(vscode.Uri.joinPath(o.extensionUri, ...s.split('/')).fsPath, 'utf8').replace(/<\/style/gi, '<\\/style')}</style>`
    : `<link rel="stylesheet" href="${uri(s)}">`)).join('\n')}
<title>RNN Playground</title></head>
<body><main id="${o.mainId}"${o.mainAttributes ? ` ${o.mainAttributes}` : ''}></main>
${script}</body></html>`;
}
