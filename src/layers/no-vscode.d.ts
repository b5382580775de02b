/**
 * What `import … from 'vscode'` resolves to in the layers that must not use VS Code (src/data, src/worker, src/cli,
 * webview; see ARCHITECTURE.md): their tsconfigs map 'vscode' here, where nothing is exported, so any use of it
 * fails to compile naming this file.
 */
export declare const THIS_LAYER_CANNOT_IMPORT_VSCODE: never;
