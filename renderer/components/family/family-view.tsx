/**
 * One family, top to bottom in the order a person mid-incident reads it: what it is and the
 * verdict, the fallback banner if the current generation is broken, family-wide findings, the
 * generations, then the selected generation in detail. The table/detail split can be resized
 * with the mouse or the arrow keys.
 */
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { FamilySummary } from '../../../shared/model/workspace';
import { useAppStore } from '../../store/app-store';
import { selectSelectedGeneration } from '../../store/selectors';
import { EmptyState } from '../common/empty-state';
import { GenerationDetail } from '../detail/generation-detail';
import { GenerationsTable } from '../generations/generations-table';
import { FallbackBanner } from './fallback-banner';
import { FamilyFindings } from './family-findings';
import { FamilyHeader } from './family-header';
import { FamilyRollbackActions } from '../rollback/family-rollback-actions';

const MIN_TABLE = 90;
const STEP = 30;

/** The family view. */
export function FamilyView({ family }: { readonly family: FamilySummary }) {
  const generation = useAppStore(selectSelectedGeneration);
  // Max height of the generations table in px; null = the stylesheet's default share.
  const [tableMax, setTableMax] = useState<number | null>(null);
  const tableBox = useRef<HTMLDivElement>(null);
  const drag = useRef<{ readonly startY: number; readonly startHeight: number } | null>(null);

  const currentHeight = () => tableBox.current?.getBoundingClientRect().height ?? 240;
  const limit = (px: number) => Math.max(MIN_TABLE, Math.min(px, window.innerHeight - 260));

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startY: event.clientY, startHeight: currentHeight() };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    setTableMax(limit(drag.current.startHeight + event.clientY - drag.current.startY));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onSplitterKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowUp') setTableMax(limit(currentHeight() - STEP));
    else if (event.key === 'ArrowDown') setTableMax(limit(currentHeight() + STEP));
    else return;
    event.preventDefault();
  };

  return (
    <section className="family-view" aria-labelledby="family-title" data-testid="family-view" data-family={family.name}>
      <div className="family-top">
        <FamilyHeader family={family} />
        <FamilyRollbackActions family={family} generation={generation} />
        <FallbackBanner family={family} />
        <FamilyFindings family={family} />
      </div>
      <div className="table-box" ref={tableBox} style={tableMax === null ? undefined : { maxHeight: tableMax, height: tableMax }}>
        <GenerationsTable family={family} />
      </div>
      <div
        className="splitter"
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize the generations list"
        aria-valuenow={Math.round(tableMax ?? 0)}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={onSplitterKey}
      />
      {generation ? (
        <GenerationDetail family={family} generation={generation} />
      ) : (
        <EmptyState title="Select a generation" testId="no-generation">
          <p>Pick a row above to see its findings and decoded value.</p>
        </EmptyState>
      )}
    </section>
  );
}
