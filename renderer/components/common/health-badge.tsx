/**
 * Health as colour, icon and word together, so it reads without colour vision and for screen
 * readers alike.
 */
import type { Health } from '../../../shared/model/finding';
import { HEALTH_LABEL } from '../../format/labels';
import { AlertIcon, CheckCircleIcon, QuestionIcon, StopIcon } from './icons';

/** The icon for a health. */
export function HealthIcon({ health, size }: { readonly health: Health; readonly size?: number }) {
  switch (health) {
    case 'healthy':
      return <CheckCircleIcon size={size} />;
    case 'warning':
      return <AlertIcon size={size} />;
    case 'broken':
      return <StopIcon size={size} />;
    default:
      return <QuestionIcon size={size} />;
  }
}

/** Said (and shown) for a family or generation whose files are still being checked. */
export const CHECKING_LABEL = 'Checking…';

/**
 * A compact health pill: icon + word. `compact` keeps the word for screen readers only. While
 * `checking`, a spinner and "Checking…" instead (the health is not known yet, not "Not checked");
 * `data-health` still says the health the engine sent.
 */
export function HealthBadge({ health, compact = false, checking = false }: { readonly health: Health; readonly compact?: boolean; readonly checking?: boolean }) {
  if (checking) {
    return (
      <span
        className={`health-badge health-checking${compact ? ' compact' : ''}`}
        data-testid="health-badge"
        data-health={health}
        data-checking="true"
        title={compact ? CHECKING_LABEL : 'Still being checked: the verdict appears when its files have been read'}
      >
        <span className="spinner" aria-hidden="true" />
        <span className={compact ? 'visually-hidden' : undefined}>{CHECKING_LABEL}</span>
      </span>
    );
  }
  const label = HEALTH_LABEL[health];
  return (
    <span className={`health-badge health-${health}${compact ? ' compact' : ''}`} data-testid="health-badge" data-health={health} title={compact ? label : undefined}>
      <HealthIcon health={health} size={12} />
      <span className={compact ? 'visually-hidden' : undefined}>{label}</span>
    </span>
  );
}
