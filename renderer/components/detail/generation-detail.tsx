/**
 * The selected generation: what it is (tags, size, time, hash), which member file is shown, and
 * tabs for ways of looking at it. Today there is one tab — the value with its findings beside
 * it; a diff against another generation or a type-drift table is one more entry in `TABS`, one
 * more `DetailTab` member, and one more case in `TabBody`.
 */
import { useRef, type KeyboardEvent } from 'react';
import type { FamilySummary, GenerationSummary } from '../../../shared/model/workspace';
import { formatBytes } from '../../format/bytes';
import { absoluteTime } from '../../format/time';
import { useCopy } from '../../hooks/use-copy';
import { useAppStore } from '../../store/app-store';
import type { DetailTab } from '../../store/ui-slice';
import { DiffTab } from '../diff/diff-tab';
import { DriftTab } from '../drift/drift-tab';
import { FindingsList } from './findings-list';
import { MemberSwitcher } from './member-switcher';
import { ValuePane } from './value-pane';

/** The tabs of the detail pane, in order. */
const TABS: readonly { readonly id: DetailTab; readonly label: string }[] = [
  { id: 'value', label: 'Value & findings' },
  { id: 'diff', label: 'Diff' },
  { id: 'drift', label: 'Type drift' },
];

function TabBody({ tab, family, generation }: { readonly tab: DetailTab; readonly family: FamilySummary; readonly generation: GenerationSummary }) {
  switch (tab) {
    case 'value':
      return (
        <div className={`value-tab${generation.findings.length === 0 ? ' no-findings' : ''}`}>
          <FindingsList generation={generation} />
          <ValuePane label={generation.label} checking={generation.checking} />
        </div>
      );
    case 'diff':
      return <DiffTab family={family} />;
    case 'drift':
      return <DriftTab generation={generation} />;
  }
}

/** The detail pane of one generation. */
export function GenerationDetail({ family, generation }: { readonly family: FamilySummary; readonly generation: GenerationSummary }) {
  const detailTab = useAppStore((s) => s.detailTab);
  const detailTabSelected = useAppStore((s) => s.detailTabSelected);
  const { copiedKey, copy } = useCopy();
  const tabRefs = useRef(new Map<DetailTab, HTMLButtonElement>());
  const isFallback = generation.id === family.fallbackId && !generation.current;

  const onTabKey = (event: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === detailTab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    detailTabSelected(next.id);
    tabRefs.current.get(next.id)?.focus();
  };

  return (
    <section className="detail" aria-label={`Generation ${generation.label}`} data-testid="generation-detail" data-label={generation.label}>
      <div className="detail-header">
        <div className="detail-title">
          <h2 className="mono">{generation.label}</h2>
          {generation.current ? <span className="tag tag-current">current</span> : null}
          {isFallback ? <span className="tag tag-fallback">recommended fallback</span> : null}
          {generation.checking ? (
            <span className="tag tag-checking" data-testid="checking-tag">
              checking
            </span>
          ) : null}
          <span className="detail-meta">
            {formatBytes(generation.size)} · written {absoluteTime(generation.mtimeMs)}
            {generation.schemaVersion ? ` · schema ${generation.schemaVersion}` : ''}
            {generation.sha256 ? (
              <>
                {' · '}
                <button type="button" className="sha-button mono" title={`sha256 ${generation.sha256}\nClick to copy`} onClick={() => void copy(generation.sha256, 'detail')}>
                  {copiedKey === 'detail' ? 'copied ✓' : `sha256 ${generation.sha256.slice(0, 16)}…`}
                </button>
              </>
            ) : null}
          </span>
        </div>
        <div className="detail-controls">
          <MemberSwitcher generation={generation} />
          <div role="tablist" aria-label="Ways to look at this generation" className="tabs" onKeyDown={onTabKey}>
            {TABS.map((tab) => (
              <button
                key={tab.id}
                ref={(el) => {
                  if (el) tabRefs.current.set(tab.id, el);
                  else tabRefs.current.delete(tab.id);
                }}
                type="button"
                role="tab"
                id={`detail-tab-${tab.id}`}
                aria-selected={tab.id === detailTab}
                aria-controls={`detail-panel-${tab.id}`}
                tabIndex={tab.id === detailTab ? 0 : -1}
                className={`tab${tab.id === detailTab ? ' selected' : ''}`}
                data-testid="detail-tab"
                data-tab={tab.id}
                onClick={() => detailTabSelected(tab.id)}
              >
                {tab.label}
              </button>
            ))}
          </div>
        </div>
      </div>
      <div role="tabpanel" id={`detail-panel-${detailTab}`} aria-labelledby={`detail-tab-${detailTab}`} className="detail-body">
        <TabBody tab={detailTab} family={family} generation={generation} />
      </div>
    </section>
  );
}
