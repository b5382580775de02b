/**
 * How a data message tells the reader to change a setting. The same message reaches a terminal (where the
 * setting is a flag) and the editor (where it is a control in the Data view or a key of the experiment file),
 * so the data layer names settings through here and never spells a flag into text the editor shows.
 */

/** Where a message will be read. */
export type Surface = 'cli' | 'editor';

/** The settings a data message can point at. */
export type SettingRef =
  | { setting: 'targets' }
  | { setting: 'features' }
  | { setting: 'label' }
  | { setting: 'window' }
  | { setting: 'windowAndStride' }
  | { setting: 'keepLevels'; column: string };

/** The words that point at `ref`, for `surface`. */
export function settingWords(ref: SettingRef, surface: Surface = 'cli'): string {
  const cli = surface === 'cli';
  switch (ref.setting) {
    case 'targets':
      return cli ? '--target, or data.targets' : 'give a column the role "target" in the Data view';
    case 'features':
      return cli ? '--features, or data.features' : 'give a numeric column the role "input" in the Data view';
    case 'label':
      return cli ? '--label, or data.label' : 'give a column the role "label (class)" in the Data view';
    case 'window':
      return cli ? '--window, or data.window' : '"window" in the experiment file\'s data section';
    case 'windowAndStride':
      return cli ? 'set --window and --stride (or data.window) to change' : 'set "window": {"length": …, "stride": …} in the experiment file\'s data section to change';
    case 'keepLevels':
      return cli
        ? `--transform ${ref.column}=none, or data.transforms { ${JSON.stringify(ref.column)}: "none" }`
        : `"transforms": { ${JSON.stringify(ref.column)}: "none" } in the experiment file's data section`;
  }
}

/** How to choose a missing-value policy, for `surface`. */
export function missingChoices(surface: Surface = 'cli'): string {
  return surface === 'cli'
    ? 'Choose how to fill them: --missing ffill (carry the last value forward), --missing interpolate (a straight line between neighbours) or --missing drop (leave those rows out); in an experiment file, data.missing'
    : 'Choose how to fill them with Missing values in the Data view: carry the last value forward, a straight line between neighbours, or leave those rows out';
}
