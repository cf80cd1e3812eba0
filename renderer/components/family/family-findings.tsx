/** Findings about the family as a whole: temp files left by an interrupted write, naming order. */
import type { FamilySummary } from '../../../shared/model/workspace';
import { SeverityIcon } from '../detail/severity-icon';
import { SEVERITY_LABEL } from '../../format/labels';

/** The family-level findings, or nothing when there are none. */
export function FamilyFindings({ family }: { readonly family: FamilySummary }) {
  if (family.findings.length === 0) return null;
  return (
    <section className="family-findings" aria-labelledby="family-findings-title" data-testid="family-findings">
      <h2 id="family-findings-title" className="section-label">
        About this family
      </h2>
      <ul role="list">
        {family.findings.map((finding, index) => (
          <li key={`${finding.code}:${finding.file}:${index}`} className={`family-finding severity-${finding.severity}`} data-testid="family-finding" data-code={finding.code}>
            <SeverityIcon severity={finding.severity} />
            <span className="visually-hidden">{SEVERITY_LABEL[finding.severity]}:</span>
            <span className="finding-message">{finding.message}</span>
            <span className="finding-meta mono">
              {finding.code}
              {finding.file ? ` · ${finding.file}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
