/**
 * The generations of the selected family, newest first, as an ARIA grid with one tab stop.
 * Arrow keys (and Home/End/PageUp/PageDown) move the selection and the detail pane follows;
 * Enter opens the selected generation (moves the focus to its findings); Ctrl/Cmd+C copies its
 * sha256. Long families (thousands of numbered checkpoints) are virtualised.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { FamilySummary, GenerationSummary } from '../../../shared/model/workspace';
import { formatBytes } from '../../format/bytes';
import { useCopy } from '../../hooks/use-copy';
import { useAppStore } from '../../store/app-store';
import { canRollBackTo } from '../../store/selectors';
import { HealthBadge } from '../common/health-badge';
import { RelativeTime } from '../common/relative-time';

/** Rows beyond which only the visible ones are rendered. */
export const VIRTUALIZE_AFTER = 200;
const ROW_HEIGHT = 30;
const PAGE = 10;
const COLUMNS = [
  ['Generation', 'name'],
  ['Health', 'health'],
  ['Problem', 'problem'],
  ['Modified', 'modified'],
  ['Size', 'size'],
  ['Schema', 'schema'],
  ['SHA-256', 'sha'],
] as const;

function problemOf(generation: GenerationSummary): string {
  const worst = generation.findings.find((f) => f.severity === 'error') ?? generation.findings.find((f) => f.severity === 'warning');
  if (!worst) return '';
  const more = generation.findings.filter((f) => f.severity !== 'info').length - 1;
  return more > 0 ? `${worst.message} (+${more} more)` : worst.message;
}

/** The generations grid of one family. */
export function GenerationsTable({ family }: { readonly family: FamilySummary }) {
  const selectedGenerationId = useAppStore((s) => s.selectedGenerationId);
  const generationSelected = useAppStore((s) => s.generationSelected);
  const focusRequested = useAppStore((s) => s.focusRequested);
  const focusRequest = useAppStore((s) => s.focusRequest);
  const rollbackRequested = useAppStore((s) => s.rollbackRequested);
  const { copiedKey, copy } = useCopy();
  const scroller = useRef<HTMLDivElement>(null);
  const rowRefs = useRef(new Map<string, HTMLDivElement>());
  const focusAfterRender = useRef<string | null>(null);

  const generations = family.generations;
  const virtual = generations.length > VIRTUALIZE_AFTER;
  // The app does not run the React Compiler; the virtualizer's unmemoisable API is fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: virtual ? generations.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Draw a first screenful before the list has been measured, instead of a blank flash.
    initialRect: { width: 0, height: ROW_HEIGHT * 20 },
  });

  const selectedIndex = generations.findIndex((g) => g.id === selectedGenerationId);
  const activeIndex = selectedIndex >= 0 ? selectedIndex : 0;

  // A keyboard move selects first and focuses once the row exists (it may be virtualised away).
  useEffect(() => {
    const id = focusAfterRender.current;
    if (id === null) return;
    const row = rowRefs.current.get(id);
    if (row) {
      focusAfterRender.current = null;
      row.focus({ preventScroll: virtual });
      if (!virtual) row.scrollIntoView?.({ block: 'nearest' });
    }
  });

  useEffect(() => {
    if (focusRequest?.target !== 'generations') return;
    const id = generations[activeIndex]?.id;
    if (id) rowRefs.current.get(id)?.focus();
    // Only a new request moves the focus, not a change of rows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest]);

  const moveTo = (index: number) => {
    const clamped = Math.max(0, Math.min(generations.length - 1, index));
    const target = generations[clamped];
    if (!target) return;
    focusAfterRender.current = target.id;
    if (virtual) virtualizer.scrollToIndex(clamped, { align: 'auto' });
    generationSelected(target.id);
    const row = rowRefs.current.get(target.id);
    if (row && target.id === selectedGenerationId) {
      focusAfterRender.current = null;
      row.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const mod = event.ctrlKey || event.metaKey;
    let handled = true;
    if (event.key === 'ArrowDown') moveTo(activeIndex + 1);
    else if (event.key === 'ArrowUp') moveTo(activeIndex - 1);
    else if (event.key === 'Home') moveTo(0);
    else if (event.key === 'End') moveTo(generations.length - 1);
    else if (event.key === 'PageDown') moveTo(activeIndex + PAGE);
    else if (event.key === 'PageUp') moveTo(activeIndex - PAGE);
    else if (event.key === 'Enter') {
      const target = generations[activeIndex];
      if (target) {
        generationSelected(target.id);
        focusRequested('findings');
      }
    } else if (mod && event.key.toLowerCase() === 'c' && !window.getSelection()?.toString()) {
      const target = generations[activeIndex];
      if (target?.sha256) void copy(target.sha256, target.id);
    } else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const renderRow = (generation: GenerationSummary, index: number, style?: React.CSSProperties) => {
    const selected = generation.id === selectedGenerationId;
    const isFallback = generation.id === family.fallbackId && !generation.current;
    const problem = problemOf(generation);
    const shortSha = generation.sha256 ? generation.sha256.slice(0, 12) : '';
    return (
      <div
        key={generation.id}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        tabIndex={index === activeIndex ? 0 : -1}
        ref={(el) => {
          if (el) rowRefs.current.set(generation.id, el);
          else rowRefs.current.delete(generation.id);
        }}
        className={`grid-row generation-row${selected ? ' selected' : ''} health-row-${generation.health}`}
        style={style}
        data-testid="generation-row"
        data-label={generation.label}
        data-generation-id={generation.id}
        data-current={generation.current ? 'true' : 'false'}
        data-health={generation.health}
        data-checking={generation.checking ? 'true' : undefined}
        onClick={() => {
          focusAfterRender.current = generation.id;
          generationSelected(generation.id);
        }}
        onDoubleClick={() => focusRequested('findings')}
      >
        <div role="gridcell" className="cell cell-name">
          <span className="mono generation-label">{generation.label}</span>
          {generation.current ? (
            <span className="tag tag-current" data-testid="current-tag">
              current
            </span>
          ) : null}
          {isFallback ? (
            <span className="tag tag-fallback" data-testid="fallback-tag">
              recommended
            </span>
          ) : null}
          {generation.members.length > 1 ? <span className="member-count">{generation.members.length} files</span> : null}
          {canRollBackTo(family, generation) ? (
            // One tab stop per grid: the same action is a tabbable button above the table for the selected row.
            <button
              type="button"
              className="row-action"
              tabIndex={-1}
              data-testid="rollback-button"
              title={`Roll back to this generation… (${generation.label} becomes the current one after you confirm)`}
              aria-label={`Roll back to ${generation.label}…`}
              onClick={(event) => {
                event.stopPropagation();
                void rollbackRequested(family.id, generation.id);
              }}
            >
              Roll back…
            </button>
          ) : null}
        </div>
        <div role="gridcell" className="cell cell-health">
          <HealthBadge health={generation.health} checking={generation.checking} />
        </div>
        <div role="gridcell" className="cell cell-problem" title={problem || undefined}>
          {problem}
        </div>
        <div role="gridcell" className="cell cell-modified">
          <RelativeTime ms={generation.mtimeMs} />
        </div>
        <div role="gridcell" className="cell cell-size" title={`${generation.size.toLocaleString('en-US')} bytes`}>
          {formatBytes(generation.size)}
        </div>
        <div role="gridcell" className="cell cell-schema">
          {generation.schemaVersion ?? <span className="muted">—</span>}
        </div>
        <div role="gridcell" className="cell cell-sha">
          {shortSha ? (
            <button
              type="button"
              className="sha-button mono"
              tabIndex={-1}
              data-testid="sha-button"
              title={`sha256 ${generation.sha256}\nClick to copy (Ctrl+C on the row)`}
              aria-label={`Copy sha256 of ${generation.label}`}
              onClick={() => void copy(generation.sha256, generation.id)}
            >
              {copiedKey === generation.id ? 'copied ✓' : shortSha}
            </button>
          ) : (
            <span className="muted" title="Not hashed yet">
              …
            </span>
          )}
        </div>
      </div>
    );
  };

  const items = virtual ? virtualizer.getVirtualItems() : null;
  return (
    <div
      className="generations"
      role="grid"
      aria-label={`Generations of ${family.name}, newest first`}
      aria-rowcount={generations.length + 1}
      aria-multiselectable={false}
      data-testid="generations-table"
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row head-row">
          {COLUMNS.map(([label, column]) => (
            <div key={column} role="columnheader" className={`cell cell-${column}`}>
              {label}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="grid-body" ref={scroller}>
        {items ? (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) =>
              renderRow(generations[item.index], item.index, { position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }),
            )}
          </div>
        ) : (
          generations.map((generation, index) => renderRow(generation, index))
        )}
        {generations.length === 0 ? <p className="grid-empty">No generations found for this family.</p> : null}
      </div>
      <span className="visually-hidden" aria-live="polite">
        {copiedKey ? 'sha256 copied to the clipboard' : ''}
      </span>
    </div>
  );
}
