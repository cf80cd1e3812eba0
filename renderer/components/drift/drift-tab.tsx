/**
 * The Drift tab: what saving and loading this generation's JSON changed, per JSON Pointer —
 * pre-save type and value, post-load type and value, a verdict in colour and words, and a note
 * on what it means for a resume. The header says where the pre-save side came from; inference
 * is labelled as such because it is a guess. Clicking a row (or Enter) shows it in the value.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { DriftView, DriftViewVerdict } from '../../../shared/api/contract';
import type { GenerationSummary } from '../../../shared/model/workspace';
import { useAppStore } from '../../store/app-store';
import { DRIFT_VERDICTS } from '../../store/diff-drift-slice';
import { ErrorBoundary } from '../common/error-boundary';
import { JobErrorNote } from '../common/job-error-note';
import '../../styles/diff-drift.css';

const DriftValueEditor = lazy(() => import('./drift-value-editor'));

const ROW_HEIGHT = 48;

const VERDICT_HELP: Readonly<Record<DriftViewVerdict, string>> = {
  dropped: 'missing after load',
  lossy: 'information lost',
  coerced: 'other type, information kept',
};

function SourceLabel({ view }: { readonly view: DriftView }) {
  const text =
    view.source === 'pickle'
      ? `Pre-save types from the pickle ${view.prePath ?? ''}`
      : view.source === 'manifest'
        ? `Pre-save types from the type manifest ${view.prePath ?? ''}`
        : 'Inferred: no pickle twin or type manifest beside this file, so pre-save types are guessed from the JSON strings';
  return (
    <span className={`drift-source source-${view.source}`} data-testid="drift-source" data-source={view.source}>
      {view.source === 'inferred' ? <strong>inferred</strong> : null}
      {view.source === 'inferred' ? ' — ' : null}
      {view.source === 'inferred' ? text.replace(/^Inferred: /, '') : text}
    </span>
  );
}

function DriftTable({ view }: { readonly view: DriftView }) {
  const filter = useAppStore((s) => s.driftFilter);
  const activated = useAppStore((s) => s.driftEntryActivated);
  const reveal = useAppStore((s) => s.driftReveal);
  // Worst first (dropped, lossy, coerced), document order within a verdict: what breaks a resume leads.
  const rows = useMemo(
    () =>
      view.entries
        .flatMap((e, index) => (filter.includes(e.verdict) ? [index] : []))
        .sort((x, y) => DRIFT_VERDICTS.indexOf(view.entries[x].verdict) - DRIFT_VERDICTS.indexOf(view.entries[y].verdict) || x - y),
    [view, filter],
  );
  const [active, setActive] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer's functions change every render by design; nothing memoises them here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  const onKey = (event: KeyboardEvent) => {
    const n = rows.length;
    if (n === 0) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      activated(rows[Math.min(active, n - 1)]);
      return;
    }
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8, Home: -n, End: n };
    if (!(event.key in step)) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(n - 1, active + step[event.key]));
    setActive(next);
    virtualizer.scrollToIndex(next);
  };

  if (view.entries.length === 0) {
    return <p className="tab-empty">Every value comes back from {view.loader === 'js' ? 'JSON.parse' : 'json.load'} as it was saved.</p>;
  }
  return (
    <div className="drift-table" role="grid" aria-label="Type drift per JSON Pointer" aria-rowcount={rows.length + 1}>
      <div className="drift-row drift-head" role="row">
        <span role="columnheader">Pointer</span>
        <span role="columnheader">Before saving</span>
        <span role="columnheader">After loading</span>
        <span role="columnheader">Verdict</span>
        <span role="columnheader">What it means</span>
      </div>
      <div ref={scroller} className="drift-rows" tabIndex={0} onKeyDown={onKey} aria-activedescendant={rows.length > 0 ? `drift-row-${rows[Math.min(active, rows.length - 1)]}` : undefined}>
        {rows.length === 0 ? <p className="tab-empty">No rows match the filter.</p> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const index = rows[item.index];
            const e = view.entries[index];
            return (
              <div
                key={item.key}
                id={`drift-row-${index}`}
                role="row"
                aria-selected={item.index === active}
                className={`drift-row${item.index === active ? ' active' : ''}${reveal?.index === index ? ' revealed' : ''}`}
                data-testid="drift-row"
                data-verdict={e.verdict}
                data-pointer={e.pointer}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => {
                  setActive(item.index);
                  activated(index);
                }}
              >
                {/* Long pointers lose their start, not their end: the last keys say which value it is. */}
                <span role="gridcell" className="mono drift-pointer" title={e.pointer}>
                  <bdi>{e.pointer === '' ? '(root)' : e.pointer}</bdi>
                </span>
                <span role="gridcell" className="drift-side" title={e.pre.value}>
                  <span className="type-name">{e.pre.type}</span> <span className="mono">{e.pre.value}</span>
                </span>
                <span role="gridcell" className="drift-side" title={e.post.value}>
                  <span className="type-name">{e.post.type}</span> <span className="mono">{e.post.value}</span>
                </span>
                <span role="gridcell">
                  <span className={`drift-verdict verdict-${e.verdict}`} title={VERDICT_HELP[e.verdict]}>
                    {e.verdict}
                  </span>
                </span>
                <span role="gridcell" className="drift-note" title={e.note}>
                  {e.note}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** The Drift tab of `generation`. */
export function DriftTab({ generation }: { readonly generation: GenerationSummary }) {
  const drift = useAppStore((s) => s.drift);
  const requested = useAppStore((s) => s.driftRequested);
  const loader = useAppStore((s) => s.driftLoader);
  const loaderSelected = useAppStore((s) => s.driftLoaderSelected);
  const filter = useAppStore((s) => s.driftFilter);
  const toggled = useAppStore((s) => s.driftFilterToggled);
  const fingerprint = `${generation.id}\n${generation.members.map((m) => m.sha256 + m.mtimeMs).join()}`;

  useEffect(() => {
    void requested();
  }, [fingerprint, requested]);

  const view = drift.status === 'ready' ? drift.view : drift.status === 'loading' ? drift.previous : null;
  return (
    <div className="drift-tab" data-testid="drift-tab" data-status={drift.status}>
      <div className="drift-toolbar">
        <div className="segmented" role="radiogroup" aria-label="Loader" data-testid="drift-loader" data-loader={loader}>
          {(
            [
              ['python', 'Python json.load'],
              ['js', 'JavaScript JSON.parse'],
            ] as const
          ).map(([id, label]) => (
            <button key={id} type="button" role="radio" aria-checked={loader === id} className={loader === id ? 'selected' : ''} data-loader={id} onClick={() => loaderSelected(id)}>
              {label}
            </button>
          ))}
        </div>
        <div className="drift-filters" role="group" aria-label="Show verdicts">
          {DRIFT_VERDICTS.map((v) => (
            <label key={v} className={`drift-filter verdict-${v}`} data-testid="drift-filter" data-verdict={v}>
              <input type="checkbox" checked={filter.includes(v)} onChange={() => toggled(v)} />
              {v} <strong>{view ? view.counts[v].toLocaleString() : '–'}</strong>
            </label>
          ))}
          {view ? <span className="muted">{view.counts.lossless.toLocaleString()} lossless</span> : null}
        </div>
        {drift.status === 'loading' ? (
          <span className="diff-progress" role="status">
            Judging…
          </span>
        ) : null}
      </div>
      {drift.status === 'error' ? (
        <JobErrorNote testId="drift-error" retryable={drift.retryable} onRetry={() => void requested({ retry: true })}>
          {drift.message}
        </JobErrorNote>
      ) : null}
      {view ? (
        <>
          <div className="drift-header">
            <SourceLabel view={view} />
            <span className="muted mono">{view.path}</span>
          </div>
          {view.sourceProblem ? <p className="content-note warning">{view.sourceProblem}</p> : null}
          {view.truncated ? <p className="content-note">Listing the first {view.entries.length.toLocaleString()} entries; the counts include all. Use `ckpt-doctor drift --json` for the rest.</p> : null}
          <div className={`drift-body${drift.status === 'loading' ? ' stale' : ''}`}>
            <DriftTable key={`${view.generationId}\n${view.loader}`} view={view} />
            <ErrorBoundary what="The value view (the table is complete without it)">
              <Suspense fallback={<div className="editor-loading">Loading the editor…</div>}>
                <DriftValueEditor view={view} />
              </Suspense>
            </ErrorBoundary>
          </div>
        </>
      ) : drift.status === 'loading' ? (
        <p className="tab-empty">Reading {generation.label} and its pre-save side…</p>
      ) : null}
    </div>
  );
}
