/**
 * The value half of the detail pane: loading and error states around the (lazily loaded)
 * editor, and notes a person must not miss — the text was cut, or the file could not be decoded
 * and its raw text is shown instead.
 */
import { lazy, Suspense, useCallback, useState } from 'react';
import type { GenerationContent } from '../../../shared/api/contract';
import { useAppStore } from '../../store/app-store';
import type { ContentState } from '../../store/content-slice';
import { locateFinding } from '../../store/selectors';
import { ErrorBoundary } from '../common/error-boundary';
import { InfoIcon } from '../common/icons';

const ValueEditor = lazy(() => import('./value-editor'));

function shownContent(state: ContentState): GenerationContent | null {
  if (state.status === 'ready') return state.content;
  if (state.status === 'loading') return state.previous;
  return null;
}

/** Editor plus its states. */
export function ValuePane({ label }: { readonly label: string }) {
  const content = useAppStore((s) => s.content);
  const revealRequest = useAppStore((s) => s.revealRequest);
  const contentRequested = useAppStore((s) => s.contentRequested);
  const [revealed, setRevealed] = useState<{ readonly seq: number; readonly line: number | null } | null>(null);
  const shown = shownContent(content);
  const seq = revealRequest?.seq ?? 0;
  const onRevealed = useCallback((line: number | null) => setRevealed({ seq, line }), [seq]);

  let revealMiss: string | null = null;
  if (revealRequest && shown && content.status === 'ready') {
    const finding = revealRequest.finding;
    const inThisFile = !finding.file || finding.file === shown.path;
    if (inThisFile && locateFinding(shown, finding) === null) {
      revealMiss = shown.truncated
        ? 'This spot lies beyond the part of the file shown here (the text was cut to keep the editor responsive).'
        : 'The engine could not map this finding to a place in the text shown.';
    }
  }

  return (
    <div
      className="value-pane"
      data-testid="value-editor"
      data-path={shown?.path ?? ''}
      data-view={shown?.view ?? ''}
      data-language={shown?.language ?? ''}
      data-status={content.status}
      data-revealed-line={revealed && revealed.seq === seq && revealed.line !== null ? revealed.line : undefined}
    >
      {shown?.view === 'raw' ? (
        <p className="content-note warning" data-testid="content-note" data-kind="raw">
          <InfoIcon size={14} />
          <span>
            This file could not be decoded, so its raw text is shown as stored. Line and column positions are exact; the structure is not.
            {shown.note ? ` ${shown.note}` : ''}
          </span>
        </p>
      ) : null}
      {shown?.truncated ? (
        <p className="content-note" data-testid="content-note" data-kind="truncated">
          <InfoIcon size={14} />
          <span>{shown.note ?? 'Only the beginning of this file is shown, to keep the editor responsive.'}</span>
        </p>
      ) : null}
      {shown && !shown.truncated && shown.view !== 'raw' && shown.note ? (
        <p className="content-note" data-testid="content-note" data-kind="note">
          <InfoIcon size={14} />
          <span>{shown.note}</span>
        </p>
      ) : null}
      {revealMiss ? (
        <p className="content-note" data-testid="reveal-miss" role="status">
          <InfoIcon size={14} />
          <span>{revealMiss}</span>
        </p>
      ) : null}
      <div className="editor-host">
        {content.status === 'loading' ? (
          <div className={`content-loading${shown ? ' over' : ''}`} data-testid="content-loading" role="status">
            <span className="spinner" aria-hidden="true" />
            {shown ? 'Reloading…' : `Decoding ${label}…`}
          </div>
        ) : null}
        {content.status === 'error' ? (
          <div className="inline-error content-error" data-testid="content-error" role="alert">
            <p>Could not read {label}: {content.message}</p>
            <button type="button" className="button" onClick={() => void contentRequested({ retry: true })}>
              Try again
            </button>
          </div>
        ) : null}
        {shown ? (
          <ErrorBoundary what="The editor">
            <Suspense fallback={<div className="editor-loading">Loading the editor…</div>}>
              <ValueEditor content={shown} onRevealed={onRevealed} />
            </Suspense>
          </ErrorBoundary>
        ) : null}
      </div>
    </div>
  );
}
