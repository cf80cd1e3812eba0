/**
 * Adding a folder to watch: a path field (serve mode has no native picker: the path is on the
 * machine running the engine), a native "Browse…" where the host has one, and an inline error
 * that says what to do.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useAppStore } from '../../store/app-store';
import type { AddFolderError } from '../../store/workspace-slice';

/** What to try next, by the engine's error code. */
function hintFor(error: AddFolderError, host: 'electron' | 'serve' | undefined): string | null {
  const code = error.code.toLowerCase();
  if (code === 'empty') return null;
  if (code.includes('not_found') || code.includes('missing') || code.includes('enoent')) {
    return host === 'serve'
      ? 'Check the spelling. The path is looked up on the machine running ckpt-doctor serve, which may not be this computer.'
      : 'Check the spelling, or use Browse… to pick the folder.';
  }
  if (code.includes('not_a_directory') || code.includes('not_dir') || code.includes('enotdir')) {
    return 'Give the folder that holds the checkpoint files, not one of the files.';
  }
  if (code.includes('permission') || code.includes('unreadable') || code.includes('eacces') || code.includes('eperm')) {
    return 'The engine cannot read it: check the folder permissions for the user running Checkpoint Doctor.';
  }
  if (code.includes('relative')) return 'Use an absolute path, e.g. /home/me/runs/agent.';
  if (code.includes('already') || code.includes('duplicate')) return 'It is in the list already.';
  return null;
}

/** The add-folder form at the top of the sidebar. */
export function AddFolder() {
  const busy = useAppStore((s) => s.addFolder.busy);
  const error = useAppStore((s) => s.addFolder.error);
  const nativePicker = useAppStore((s) => s.capabilities?.nativeFolderPicker ?? false);
  const host = useAppStore((s) => s.capabilities?.host);
  const focusRequest = useAppStore((s) => s.focusRequest);
  const addFolderSubmitted = useAppStore((s) => s.addFolderSubmitted);
  const folderPickRequested = useAppStore((s) => s.folderPickRequested);
  const addFolderErrorDismissed = useAppStore((s) => s.addFolderErrorDismissed);
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusRequest?.target === 'add-folder') {
      input.current?.focus();
      input.current?.select();
    }
  }, [focusRequest]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const submitted = text;
    // Keep the text on failure so it can be corrected instead of retyped.
    if (await addFolderSubmitted(submitted)) setText((now) => (now === submitted ? '' : now));
  };

  const hint = error ? hintFor(error, host) : null;
  return (
    <form className="add-folder" onSubmit={onSubmit} aria-label="Add a folder to watch">
      <label htmlFor="add-folder-input" className="section-label">
        Add a folder
      </label>
      <div className="add-folder-row">
        <input
          id="add-folder-input"
          ref={input}
          data-testid="add-folder-input"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder={host === 'serve' ? '/path/on/the/server' : '/path/to/checkpoints'}
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'add-folder-error' : undefined}
          onChange={(event) => {
            setText(event.target.value);
            if (error) addFolderErrorDismissed();
          }}
        />
        <button type="submit" className="button primary" data-testid="add-folder-button" disabled={busy} title="Add folder (Ctrl+O)">
          {busy ? 'Adding…' : 'Add folder'}
        </button>
      </div>
      {nativePicker ? (
        <button type="button" className="button link" data-testid="pick-folder-button" onClick={() => void folderPickRequested()} disabled={busy}>
          Browse for a folder…
        </button>
      ) : null}
      {error ? (
        <div id="add-folder-error" className="inline-error" role="alert" data-testid="add-folder-error" data-code={error.code}>
          <p>{error.message}</p>
          {hint ? <p className="hint">{hint}</p> : null}
        </div>
      ) : null}
    </form>
  );
}
