import type * as Electron from 'electron';

import type { FilePurpose } from '../../shared/api';
import type { FileChooser } from '../core/appInfo';

/** The file types the picker offers for each purpose (the user may still choose "All files"). */
export const PICKER_FILTERS: Readonly<Record<FilePurpose, Electron.FileFilter[]>> = {
  bundle: [{ name: 'OpenWatch rule bundle', extensions: ['gz', 'tgz'] }],
  providerData: [{ name: 'Provider data (JSON)', extensions: ['json'] }],
  publicKey: [{ name: 'Public key (PEM)', extensions: ['pem', 'pub', 'key'] }],
};

const TITLES: Readonly<Record<FilePurpose, string>> = {
  bundle: 'Choose a rule bundle',
  providerData: 'Choose provider data',
  publicKey: "Choose the publisher's public key",
};

/**
 * `app.chooseFile` in the desktop app: the native open dialog, attached to the focused
 * window. Only a path comes back; core reads the file itself, bounded (fileSources.ts).
 */
export function createFilePicker(
  dialog: Pick<Electron.Dialog, 'showOpenDialog'>,
  focusedWindow: () => Electron.BaseWindow | null,
): FileChooser {
  return async (purpose) => {
    const options: Electron.OpenDialogOptions = {
      title: TITLES[purpose],
      properties: ['openFile'],
      filters: [...PICKER_FILTERS[purpose], { name: 'All files', extensions: ['*'] }],
    };
    const window = focusedWindow();
    const answer =
      window === null
        ? await dialog.showOpenDialog(options)
        : await dialog.showOpenDialog(window, options);
    return answer.canceled ? null : (answer.filePaths[0] ?? null);
  };
}
