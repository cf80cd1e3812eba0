/**
 * What is wrong with the selected generation, worst first. Each finding with a position is a
 * button: click or Enter shows the spot in the value editor (switching member file if needed).
 */
import { useEffect, useRef } from 'react';
import type { Finding, Severity } from '../../../shared/model/finding';
import type { GenerationSummary } from '../../../shared/model/workspace';
import { formatFindingLocation } from '../../format/finding-location';
import { SEVERITY_LABEL } from '../../format/labels';
import { useAppStore } from '../../store/app-store';
import { findingHasPosition } from '../../store/selectors';
import { SeverityIcon } from './severity-icon';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Findings sorted worst first, keeping the engine's order within a severity. */
export function sortFindings(findings: readonly Finding[]): readonly Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => RANK[a.finding.severity] - RANK[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
}

function summary(findings: readonly Finding[]): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const parts = [
    [count('error'), 'error', 'errors'],
    [count('warning'), 'warning', 'warnings'],
    [count('info'), 'note', 'notes'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => `${n} ${n === 1 ? one : many}`)
    .join(', ');
}

/** The findings of one generation. */
export function FindingsList({ generation }: { readonly generation: GenerationSummary }) {
  const findingActivated = useAppStore((s) => s.findingActivated);
  const revealRequest = useAppStore((s) => s.revealRequest);
  const focusRequest = useAppStore((s) => s.focusRequest);
  const list = useRef<HTMLUListElement>(null);
  const empty = useRef<HTMLParagraphElement>(null);
  const findings = sortFindings(generation.findings);
  const multiFile = generation.members.length > 1;

  useEffect(() => {
    if (focusRequest?.target !== 'findings') return;
    const first = list.current?.querySelector<HTMLElement>('button');
    (first ?? empty.current)?.focus();
  }, [focusRequest]);

  if (generation.checking) {
    return (
      <div className="findings" data-testid="findings" data-checking="true">
        <p className="findings-empty findings-checking" ref={empty} tabIndex={-1} role="status">
          <span className="spinner" aria-hidden="true" /> Checking {generation.label}: its findings appear once its files have been read.
          {findings.length > 0 ? ` ${findings.length} ${findings.length === 1 ? 'finding' : 'findings'} so far.` : ''}
        </p>
      </div>
    );
  }

  if (findings.length === 0) {
    return (
      <div className="findings" data-testid="findings">
        <p className="findings-empty" ref={empty} tabIndex={-1}>
          No findings: this generation decoded cleanly and passed every check.
        </p>
      </div>
    );
  }

  return (
    <div className="findings" data-testid="findings">
      <h3 className="findings-summary" id="findings-title">
        {summary(findings)}
      </h3>
      <ul role="list" aria-labelledby="findings-title" ref={list}>
        {findings.map((finding, index) => {
          const where = formatFindingLocation(finding);
          const revealable = findingHasPosition(finding);
          const active = revealRequest?.finding === finding;
          const body = (
            <>
              <SeverityIcon severity={finding.severity} />
              <span className="finding-text">
                <span className="finding-message">
                  <span className="visually-hidden">{SEVERITY_LABEL[finding.severity]}: </span>
                  {finding.message}
                </span>
                <span className="finding-meta">
                  <code className="finding-code">{finding.code}</code>
                  {multiFile && finding.file ? <span className="finding-file mono">{finding.file}</span> : null}
                  {where ? <span className="finding-location mono" data-testid="finding-location">{where}</span> : null}
                </span>
              </span>
            </>
          );
          return (
            <li
              key={`${finding.code}:${finding.file}:${finding.offset ?? ''}:${finding.pointer ?? ''}:${index}`}
              className={`finding-item severity-${finding.severity}${active ? ' active' : ''}`}
              data-testid="finding-item"
              data-code={finding.code}
              data-severity={finding.severity}
            >
              {revealable ? (
                <button type="button" className="finding-button" onClick={() => findingActivated(finding)} title="Show this spot in the value">
                  {body}
                </button>
              ) : (
                <div className="finding-static">{body}</div>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
