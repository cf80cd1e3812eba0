/**
 * The Diff tab: pick two generations of the family, read the counts, walk the change list
 * (virtualised, so 100k changes scroll like ten) and see each change in the side-by-side editor.
 * Keyboard: the list is one tab stop; arrows move, Enter reveals.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { lazy, Suspense, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { DiffChangeKind, DiffView } from '../../../shared/api/contract';
import type { FamilySummary } from '../../../shared/model/workspace';
import { useAppStore } from '../../store/app-store';
import { diffKey, selectDiffBlocked, selectDiffPair } from '../../store/diff-drift-slice';
import { ErrorBoundary } from '../common/error-boundary';
import { JobErrorNote } from '../common/job-error-note';
import '../../styles/diff-drift.css';

const DiffTextEditor = lazy(() => import('./diff-editor'));

const KIND_LABEL: Readonly<Record<DiffChangeKind, string>> = { added: 'added', removed: 'removed', changed: 'changed', typeChanged: 'type changed' };
const ROW_HEIGHT = 44;

function Summary({ view }: { readonly view: DiffView }) {
  const s = view.summary;
  const total = s.added + s.removed + s.changed + s.typeChanged;
  return (
    <div className="diff-summary" data-testid="diff-summary" data-total={total}>
      {total === 0 ? (
        <span>No differences: the two values are identical.</span>
      ) : (
        (['added', 'removed', 'changed', 'typeChanged'] as const).map((k) => (
          <span key={k} className={`kind-count kind-${k}`} data-kind={k} data-count={s[k]}>
            <strong>{s[k].toLocaleString()}</strong> {KIND_LABEL[k]}
          </span>
        ))
      )}
      {view.truncated ? <span className="muted">Listing the first {view.changes.length.toLocaleString()}; use `ckpt-doctor diff --json` for all.</span> : null}
    </div>
  );
}

function ChangeList({ view }: { readonly view: DiffView }) {
  const activated = useAppStore((s) => s.diffChangeActivated);
  const reveal = useAppStore((s) => s.diffReveal);
  const [active, setActive] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer's functions change every render by design; nothing memoises them here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: view.changes.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const onKey = (event: KeyboardEvent) => {
    const n = view.changes.length;
    if (n === 0) return;
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -n, End: n };
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      activated(active);
      return;
    }
    if (!(event.key in step)) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(n - 1, active + step[event.key]));
    setActive(next);
    virtualizer.scrollToIndex(next);
  };

  if (view.changes.length === 0) return null;
  return (
    <div
      ref={scroller}
      className="change-list"
      role="listbox"
      tabIndex={0}
      aria-label="Changes"
      aria-activedescendant={`diff-change-${active}`}
      onKeyDown={onKey}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const c = view.changes[item.index];
          const value = c.kind === 'added' ? c.after : c.kind === 'removed' ? c.before : `${c.before} → ${c.after}`;
          return (
            <div
              key={item.key}
              id={`diff-change-${item.index}`}
              role="option"
              aria-selected={item.index === active}
              className={`change-row${item.index === active ? ' active' : ''}${reveal?.index === item.index ? ' revealed' : ''}`}
              data-testid="diff-change"
              data-kind={c.kind}
              data-pointer={c.pointer}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              onClick={() => {
                setActive(item.index);
                activated(item.index);
              }}
            >
              <span className={`kind-badge kind-${c.kind}`}>{KIND_LABEL[c.kind]}</span>
              {/* Long pointers lose their start, not their end: the last keys say what changed. */}
              <span className="mono change-pointer" title={c.pointer}>
                <bdi>{c.pointer === '' ? '(whole value)' : c.pointer}</bdi>
              </span>
              <span className="mono change-value" title={value}>
                {value}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function SidePicker({ family, label, value, onChange }: { readonly family: FamilySummary; readonly label: string; readonly value: string; readonly onChange: (id: string) => void }) {
  return (
    <label className="diff-side-picker">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={`diff-pick-${label === 'Older' ? 'a' : 'b'}`}>
        {family.generations.map((g) => (
          <option key={g.id} value={g.id}>
            {g.label}
            {g.current ? ' (current)' : g.id === family.fallbackId ? ' (fallback)' : ''}
            {g.health === 'broken' ? ' — broken' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The Diff tab of the selected generation. */
export function DiffTab({ family }: { readonly family: FamilySummary }) {
  // Each side is a generation object of the snapshot, so the selection is stable between renders.
  const a = useAppStore((s) => selectDiffPair(s)?.a ?? null);
  const b = useAppStore((s) => selectDiffPair(s)?.b ?? null);
  const pair = a && b ? { a, b } : null;
  const diff = useAppStore((s) => s.diff);
  const requested = useAppStore((s) => s.diffRequested);
  const picked = useAppStore((s) => s.diffSidesPicked);
  // Fewer than two generations decode: the default pair is not compared, and this says why.
  const blocked = useAppStore(selectDiffBlocked);
  const key = pair ? diffKey(pair) : null;

  useEffect(() => {
    if (key) void requested();
  }, [key, blocked, requested]);

  if (!pair) {
    return <p className="tab-empty">This family has one generation only: there is nothing to compare it with yet.</p>;
  }
  const view = diff.status === 'ready' ? diff.view : diff.status === 'loading' ? diff.previous : null;
  const stale = diff.status === 'loading';
  return (
    <div className="diff-tab" data-testid="diff-tab" data-status={diff.status}>
      <div className="diff-toolbar">
        <SidePicker family={family} label="Older" value={pair.a.id} onChange={(id) => picked(id, pair.b.id)} />
        <span aria-hidden="true">→</span>
        <SidePicker family={family} label="Newer" value={pair.b.id} onChange={(id) => picked(pair.a.id, id)} />
        <button type="button" className="button" onClick={() => picked(pair.b.id, pair.a.id)} title="Swap the two sides">
          Swap
        </button>
        {diff.status === 'loading' ? (
          <span className="diff-progress" role="status" data-testid="diff-progress">
            Comparing…{' '}
            {diff.progress && diff.progress.total > 0 ? (
              <>
                <progress max={diff.progress.total} value={diff.progress.done} /> {Math.floor((diff.progress.done * 100) / diff.progress.total)}%
              </>
            ) : null}
          </span>
        ) : null}
      </div>
      {blocked ? (
        <p className="tab-empty" data-testid="diff-nothing">
          {blocked}
        </p>
      ) : null}
      {diff.status === 'error' ? (
        <JobErrorNote testId="diff-error" retryable={diff.retryable} onRetry={() => void requested({ retry: true })}>
          Could not compare {pair.a.label} with {pair.b.label}: {diff.message}
        </JobErrorNote>
      ) : null}
      {view ? (
        <div className={`diff-body${stale ? ' stale' : ''}`}>
          <div className="diff-list-pane">
            <Summary view={view} />
            {view.a.note || view.b.note ? <p className="content-note">{view.b.note ?? view.a.note}</p> : null}
            <ChangeList key={`${view.a.generationId}\n${view.b.generationId}`} view={view} />
          </div>
          <ErrorBoundary what="The diff editor (the change list is complete without it)">
            <Suspense fallback={<div className="editor-loading">Loading the editor…</div>}>
              <DiffTextEditor view={view} />
            </Suspense>
          </ErrorBoundary>
        </div>
      ) : diff.status === 'loading' ? (
        <p className="tab-empty">Decoding and comparing {pair.a.label} and {pair.b.label}…</p>
      ) : null}
    </div>
  );
}
