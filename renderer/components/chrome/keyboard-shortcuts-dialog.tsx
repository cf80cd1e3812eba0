/** Every keyboard shortcut of the window, in one place. */
import { DialogFrame } from './dialog-host';

const MOD = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

const SHORTCUTS: readonly (readonly [string, string])[] = [
  [`${MOD}+O`, 'Add a folder'],
  ['F5 or ' + `${MOD}+R`, 'Rescan every folder'],
  ['↑ ↓', 'Move in the sidebar or the generations list'],
  ['Enter', 'Select a family / open the generation (moves to its findings)'],
  ['→ ←', 'Open or close a folder in the sidebar'],
  ['Delete', 'Stop watching the focused folder (nothing on disk changes)'],
  [`${MOD}+C`, 'Copy the sha256 of the focused generation'],
  ['?', 'Show this list'],
  ['Esc', 'Close a dialog'],
];

/** The shortcuts dialog. */
export function KeyboardShortcutsDialog({ onClose }: { readonly onClose: () => void }) {
  return (
    <DialogFrame title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys} className="shortcut">
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
