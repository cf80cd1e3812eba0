/**
 * The rollback entry points of a family view: the History of its folder, and for the selected
 * generation "Roll back to this generation…" and "Quarantine…". Buttons, so they are reachable
 * with Tab and work with Enter/Space.
 */
import type { FamilySummary, GenerationSummary } from '../../../shared/model/workspace';
import { useAppStore } from '../../store/app-store';
import { canRollBackTo } from '../../store/selectors';

/** Actions for one family and its selected generation. */
export function FamilyRollbackActions({ family, generation }: { readonly family: FamilySummary; readonly generation: GenerationSummary | null }) {
  const rollbackRequested = useAppStore((s) => s.rollbackRequested);
  const quarantineRequested = useAppStore((s) => s.quarantineRequested);
  const historyOpened = useAppStore((s) => s.historyOpened);
  // Nothing is offered while the family is still being checked: neither side's health is known yet.
  const canRollBack = generation !== null && canRollBackTo(family, generation);
  return (
    <div className="family-rollback-actions" role="toolbar" aria-label="Rollback">
      {generation && canRollBack ? (
        <button type="button" className="button" data-testid="selected-rollback-button" onClick={() => void rollbackRequested(family.id, generation.id)}>
          Roll back to {generation.label}…
        </button>
      ) : null}
      {generation && !generation.current && generation.health === 'broken' && !family.checking ? (
        <button type="button" className="button" data-testid="quarantine-button" onClick={() => void quarantineRequested(generation.id)}>
          Quarantine {generation.label}…
        </button>
      ) : null}
      <button type="button" className="button" data-testid="history-button" onClick={() => void historyOpened(family.dir)}>
        History
      </button>
    </div>
  );
}
