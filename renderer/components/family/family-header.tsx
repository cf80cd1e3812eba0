/** The family's name, where it lives, how it is named, and the engine's verdict in one sentence. */
import type { FamilySummary } from '../../../shared/model/workspace';
import { KIND_LABEL } from '../../format/labels';
import { HealthBadge } from '../common/health-badge';
import { ExpectedSchema } from './expected-schema';

/** Header of the family view. */
export function FamilyHeader({ family }: { readonly family: FamilySummary }) {
  return (
    <header className="family-header" data-testid="family-header" data-family={family.name}>
      <div className="family-title-row">
        <h1 id="family-title" className="family-title">
          {family.name}
        </h1>
        <HealthBadge health={family.health} checking={family.checking} />
        <span className="chip" data-testid="family-kind" title="How this family's generations are named">
          {KIND_LABEL[family.kind]}
        </span>
        <span className="family-count">
          {family.generations.length} {family.generations.length === 1 ? 'generation' : 'generations'}
        </span>
      </div>
      <p className="family-dir mono" title={family.dir}>
        {family.dir}
      </p>
      <ExpectedSchema root={family.root} />
      <p className={`verdict verdict-${family.checking ? 'checking' : family.health}`} data-testid="verdict" data-checking={family.checking ? 'true' : undefined}>
        {family.verdict}
      </p>
    </header>
  );
}
