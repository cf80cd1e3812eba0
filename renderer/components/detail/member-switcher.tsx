/**
 * One generation can be several files (`X.pkl` + `X.state.json` + `X.meta.json`): pick which one
 * the editor shows. Hidden for single-file generations.
 */
import type { GenerationSummary } from '../../../shared/model/workspace';
import { formatBytes } from '../../format/bytes';
import { ROLE_LABEL } from '../../format/labels';
import { useAppStore } from '../../store/app-store';

/** Buttons for the members of a generation. */
export function MemberSwitcher({ generation }: { readonly generation: GenerationSummary }) {
  const selectedMember = useAppStore((s) => s.selectedMember);
  const memberSelected = useAppStore((s) => s.memberSelected);
  if (generation.members.length < 2) return null;
  const shown = selectedMember ?? generation.mainPath;
  return (
    <div className="member-switcher" role="group" aria-label="File of this generation shown below" data-testid="member-switcher">
      {generation.members.map((member) => {
        const errors = generation.findings.filter((f) => f.file === member.path && f.severity === 'error').length;
        return (
          <button
            key={member.path}
            type="button"
            className={`segment${member.path === shown ? ' pressed' : ''}`}
            aria-pressed={member.path === shown}
            data-testid="member-option"
            data-path={member.path}
            title={`${member.path} · ${member.format} · ${formatBytes(member.size)}`}
            onClick={() => memberSelected(member.path)}
          >
            <span className="mono">{member.path}</span>
            <span className="segment-role">{ROLE_LABEL[member.role]}</span>
            {errors > 0 ? <span className="segment-errors" aria-label={`${errors} ${errors === 1 ? 'error' : 'errors'}`}>{errors}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
