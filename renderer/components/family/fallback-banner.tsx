/**
 * The first thing a person mid-incident needs: the generation their job will load is not healthy,
 * and this is the newest one that is. One button selects it so they can check it before acting.
 */
import type { FamilySummary } from '../../../shared/model/workspace';
import { useAppStore } from '../../store/app-store';
import { currentGeneration, fallbackGeneration } from '../../store/selectors';
import { RelativeTime } from '../common/relative-time';
import { StopIcon } from '../common/icons';

/**
 * The first sentence of a finding message: the banner says what broke, the findings list below
 * has the whole explanation. A period inside a file name (`agent.1.json`) does not end a sentence.
 */
export function firstSentence(message: string): string {
  const end = message.search(/[.!?](\s|$)/);
  return end < 0 ? message : message.slice(0, end + 1);
}

/** Shown when the current generation is missing or has an error; nothing otherwise. */
export function FallbackBanner({ family }: { readonly family: FamilySummary }) {
  const fallbackSelected = useAppStore((s) => s.fallbackSelected);
  const selectedGenerationId = useAppStore((s) => s.selectedGenerationId);
  const rollbackRequested = useAppStore((s) => s.rollbackRequested);
  const current = currentGeneration(family);
  if (current?.healthy) return null;
  // While files are being checked: nothing until the current generation is known to be broken,
  // and no fallback named (nor offered) before every generation has been judged.
  if (family.checking && (!current || current.checking || current.health !== 'broken')) return null;
  const fallback = family.checking ? null : fallbackGeneration(family);
  const firstError = current?.findings.find((f) => f.severity === 'error');
  const fallbackShown = fallback !== null && selectedGenerationId === fallback.id;
  const reason = firstError ? firstSentence(firstError.message) : null;

  return (
    <section className="fallback-banner" data-testid="fallback-banner" aria-labelledby="fallback-title" data-fallback={fallback?.label ?? ''}>
      <span className="banner-icon">
        <StopIcon size={18} />
      </span>
      <div className="banner-body">
        <h2 id="fallback-title">
          {current ? (
            <>
              Current generation <span className="mono">{current.label}</span> is broken
            </>
          ) : (
            'No current generation could be determined'
          )}
        </h2>
        {reason ? (
          <p className="banner-reason" title={firstError!.message}>
            {reason}
          </p>
        ) : null}
        <p className="banner-fallback">
          {family.checking ? (
            <span data-testid="fallback-checking">
              <span className="spinner" aria-hidden="true" /> Still checking the older generations; the recommended fallback is named once they are done.
            </span>
          ) : fallback ? (
            <>
              Recommended fallback: <strong className="mono">{fallback.label}</strong>
              {' · '}written <RelativeTime ms={fallback.mtimeMs} />
            </>
          ) : (
            <>No healthy generation was found in this family. Look for a backup or an older copy outside this folder.</>
          )}
        </p>
      </div>
      {fallback ? (
        <div className="banner-actions">
          <button
            type="button"
            className="button primary"
            data-testid="select-fallback-button"
            onClick={fallbackSelected}
            disabled={fallbackShown}
          >
            {fallbackShown ? `Showing ${fallback.label}` : `Select ${fallback.label}`}
          </button>
          {current ? (
            <button type="button" className="button" data-testid="rollback-fallback-button" onClick={() => void rollbackRequested(family.id, fallback.id)}>
              Roll back to the recommended fallback…
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
