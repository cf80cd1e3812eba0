/** The icon of a finding's severity, coloured by it. */
import type { Severity } from '../../../shared/model/finding';
import { AlertIcon, InfoIcon, StopIcon } from '../common/icons';

/** Error: stop sign; warning: triangle; info: "i". */
export function SeverityIcon({ severity }: { readonly severity: Severity }) {
  const Icon = severity === 'error' ? StopIcon : severity === 'warning' ? AlertIcon : InfoIcon;
  return (
    <span className={`severity-icon severity-fg-${severity}`}>
      <Icon size={14} />
    </span>
  );
}
