/**
 * The value half of the detail pane: loading and error states around the (lazily loaded)
 * editor, and notes a person must not miss — the text was cut, or the file could not be decoded
 * and its raw text is shown instead.
 *
 * The editor stays mounted from the first text on: while another member or generation is being
 * read, the old text is covered (never shown as if it were the new one); while the same member
 * reloads, it stays readable under a small "Reloading…" chip.
 */
import { lazy, Suspense, useCallback, useState } from 'react';
import type { GenerationContent } from '../../../shared/api/contract';
import { useAppStore } from '../../store/app-store';
import type { ContentState } from '../../store/content-slice';
import { locateFinding } from '../../store/selectors';
import { ErrorBoundary } from '../common/error-boundary';
import { InfoIcon } from '../common/icons';

const ValueEditor = lazy(() => import('./value-editor'));

/** What the editor holds, and whether it is what the person asked for. */
function editorContent(state: ContentState): { readonly text: GenerationContent | null; readonly current: boolean } {
  if (state.status === 'ready') return { text: state.content, current: true };
  if (state.status === 'loading') {
    const previous = state.previous;
    return { text: previous, current: previous !== null && previous.generationId === state.generationId && previous.path === state.path };
  }
  return { text: null, current: false };
}

function Notes({ shown }: { readonly shown: GenerationContent }) {
  return (
    <>
      {shown.view === 'raw' ? (
        <p className="content-note warning" data-testid="content-note" data-kind="raw">
          <InfoIcon size={14} />
          <span>
            This file could not be decoded, so its raw text is shown as stored. Line and column positions are exact; the structure is not.
            {shown.note ? ` ${shown.note}` : ''}
          </span>
        </p>
      ) : null}
      {shown.truncated ? (
        <p className="content-note" data-testid="content-note" data-kind="truncated">
          <InfoIcon size={14} />
          <span>{shown.note ?? 'Only the beginning of this file is shown, to keep the editor responsive.'}</span>
        </p>
      ) : null}
      {!shown.truncated && shown.view !== 'raw' && shown.note ? (
        <p className="content-note" data-testid="content-note" data-kind="note">
          <InfoIcon size={14} />
          <span>{shown.note}</span>
        </p>
      ) : null}
    </>
  );
}

/** Editor plus its states. */
export function ValuePane({ label, checking = false }: { readonly label: string; readonly checking?: boolean }) {
  const content = useAppStore((s) => s.content);
  const revealRequest = useAppStore((s) => s.revealRequest);
  const contentRequested = useAppStore((s) => s.contentRequested);
  const [revealed, setRevealed] = useState<{ readonly seq: number; readonly line: number | null } | null>(null);
  const { text, current } = editorContent(content);
  const seq = revealRequest?.seq ?? 0;
  const onRevealed = useCallback((line: number | null) => setRevealed({ seq, line }), [seq]);
  const visible = current ? text : null;

  let revealMiss: string | null = null;
  if (revealRequest && visible && content.status === 'ready') {
    const finding = revealRequest.finding;
    const inThisFile = !finding.file || finding.file === visible.path;
    if (inThisFile && locateFinding(visible, finding) === null) {
      revealMiss = visible.truncated
        ? 'This spot lies beyond the part of the file shown here (the text was cut to keep the editor responsive).'
        : 'The engine could not map this finding to a place in the text shown.';
    }
  }

  return (
    <div
      className="value-pane"
      data-testid="value-editor"
      data-path={visible?.path ?? ''}
      data-view={visible?.view ?? ''}
      data-language={visible?.language ?? ''}
      data-status={content.status}
      data-revealed-line={revealed && revealed.seq === seq && revealed.line !== null ? revealed.line : undefined}
    >
      {visible ? <Notes shown={visible} /> : null}
      {revealMiss ? (
        <p className="content-note" data-testid="reveal-miss" role="status">
          <InfoIcon size={14} />
          <span>{revealMiss}</span>
        </p>
      ) : null}
      <div className="editor-host">
        {checking && content.status === 'idle' ? (
          <div className="content-loading cover" data-testid="content-checking" role="status">
            <span className="spinner" aria-hidden="true" />
            Checking {label}… its value opens once the check is done.
          </div>
        ) : null}
        {content.status === 'loading' ? (
          <div className={`content-loading${current ? ' over' : ' cover'}`} data-testid="content-loading" role="status">
            <span className="spinner" aria-hidden="true" />
            {current ? 'Reloading…' : `Decoding ${content.path}…`}
          </div>
        ) : null}
        {content.status === 'error' ? (
          <div className="content-cover">
            <div className="inline-error content-error" data-testid="content-error" role="alert">
              <p>
                Could not read {label}: {content.message}
              </p>
              <button type="button" className="button" onClick={() => void contentRequested({ retry: true })}>
                Try again
              </button>
            </div>
          </div>
        ) : null}
        {text ? (
          <ErrorBoundary what="The editor">
            <Suspense fallback={<div className="editor-loading">Loading the editor…</div>}>
              <ValueEditor content={text} onRevealed={onRevealed} />
            </Suspense>
          </ErrorBoundary>
        ) : null}
      </div>
    </div>
  );
}
