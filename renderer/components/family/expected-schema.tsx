/**
 * "Expected schema: 4 · Set…" for the folder a family lives in. Set… opens an inline field: Enter
 * saves, Escape cancels, an empty value clears the expectation. The engine judges every family of
 * the folder again and the new verdicts arrive with the next snapshot.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useAppStore } from '../../store/app-store';

/** Longest version the engine accepts. */
const MAX_LENGTH = 200;

/** The expected schema version of `root`, and the control that changes it. */
export function ExpectedSchema({ root }: { readonly root: string }) {
  const expected = useAppStore((s) => s.snapshot?.roots.find((r) => r.path === root)?.expectedSchemaVersion ?? null);
  const submit = useAppStore((s) => s.expectedSchemaSubmitted);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const setButton = useRef<HTMLButtonElement>(null);
  const restoreFocus = useRef(false);
  const inputId = useId();

  useEffect(() => {
    if (editing) input.current?.focus();
    else if (restoreFocus.current) {
      restoreFocus.current = false;
      setButton.current?.focus();
    }
  }, [editing]);

  const close = () => {
    restoreFocus.current = true;
    setEditing(false);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const taken = await submit(root, draft);
    setBusy(false);
    if (taken) close();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    close();
  };

  return (
    <div className="expected-schema" data-testid="expected-schema" data-expected={expected ?? ''}>
      {editing ? (
        <form className="expected-schema-form" onSubmit={(e) => void onSubmit(e)}>
          <label htmlFor={inputId}>Expected schema:</label>
          <input
            ref={input}
            id={inputId}
            type="text"
            data-testid="expected-schema-input"
            value={draft}
            maxLength={MAX_LENGTH}
            placeholder="empty clears it"
            aria-busy={busy}
            title="Enter saves, Escape cancels; leave it empty to stop expecting a version"
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
          />
        </form>
      ) : (
        <>
          <span title={`Every generation under ${root} should record this schema version`}>
            Expected schema: {expected === null ? <span className="expected-schema-none">not set</span> : <span className="mono">{expected}</span>}
          </span>
          <span aria-hidden="true">·</span>
          <button
            ref={setButton}
            type="button"
            className="button link"
            aria-label={`Set the schema version expected in ${root}`}
            onClick={() => {
              setDraft(expected ?? '');
              setEditing(true);
            }}
          >
            Set…
          </button>
        </>
      )}
    </div>
  );
}
