/**
 * The added folders and, under each, the checkpoint families found in it: an ARIA tree with one
 * tab stop. Arrow keys move, Right/Left open and close a folder, Enter selects a family, Delete
 * stops watching a folder (nothing on disk is touched).
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FamilySummary, RootState } from '../../../shared/model/workspace';
import { baseName, relativeTo } from '../../format/paths';
import { useAppStore } from '../../store/app-store';
import { HealthBadge } from '../common/health-badge';
import { ChevronIcon, CloseIcon, FolderIcon, StackIcon } from '../common/icons';

type Item = { readonly key: string; readonly kind: 'root'; readonly root: RootState } | { readonly key: string; readonly kind: 'family'; readonly family: FamilySummary; readonly root: RootState };

const rootKey = (path: string) => `root:${path}`;
const familyKey = (id: string) => `family:${id}`;

function rootStatusText(root: RootState): string | null {
  if (root.status === 'scanning') return 'Scanning…';
  if (root.status === 'missing') return 'Folder not found';
  if (root.status === 'unreadable') return 'Cannot read';
  return null;
}

/** The sidebar tree. */
export function RootTree() {
  const roots = useAppStore(useShallow((s) => s.snapshot?.roots ?? []));
  const selectedFamilyId = useAppStore((s) => s.selectedFamilyId);
  const familySelected = useAppStore((s) => s.familySelected);
  const rootRemoved = useAppStore((s) => s.rootRemoved);
  const noticeRaised = useAppStore((s) => s.noticeRaised);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const refs = useRef(new Map<string, HTMLLIElement>());

  const visible = useMemo(() => {
    const items: Item[] = [];
    for (const root of roots) {
      items.push({ key: rootKey(root.path), kind: 'root', root });
      if (!collapsed.has(root.path)) for (const family of root.families) items.push({ key: familyKey(family.id), kind: 'family', family, root });
    }
    return items;
  }, [roots, collapsed]);

  // The tab stop: the focused item if it still exists, else the selected family, else the first.
  const tabKey =
    (focusKey && visible.some((i) => i.key === focusKey) && focusKey) ||
    (selectedFamilyId && visible.some((i) => i.key === familyKey(selectedFamilyId)) && familyKey(selectedFamilyId)) ||
    visible[0]?.key ||
    null;

  const focusItem = (key: string) => {
    setFocusKey(key);
    refs.current.get(key)?.focus();
  };

  const toggle = (path: string, open?: boolean) => {
    setCollapsed((now) => {
      const next = new Set(now);
      const isOpen = !now.has(path);
      if (open ?? !isOpen) next.delete(path);
      else next.add(path);
      return next;
    });
  };

  const removeRoot = async (path: string) => {
    await rootRemoved(path);
    noticeRaised('info', `Stopped watching ${path}. Nothing on disk was changed.`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const index = visible.findIndex((i) => i.key === tabKey);
    if (index < 0) return;
    const item = visible[index];
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        if (index + 1 < visible.length) focusItem(visible[index + 1].key);
        break;
      case 'ArrowUp':
        if (index > 0) focusItem(visible[index - 1].key);
        break;
      case 'Home':
        focusItem(visible[0].key);
        break;
      case 'End':
        focusItem(visible[visible.length - 1].key);
        break;
      case 'ArrowRight':
        if (item.kind === 'root') {
          if (collapsed.has(item.root.path)) toggle(item.root.path, true);
          else if (visible[index + 1]?.kind === 'family') focusItem(visible[index + 1].key);
        }
        break;
      case 'ArrowLeft':
        if (item.kind === 'root') toggle(item.root.path, false);
        else focusItem(rootKey(item.root.path));
        break;
      case 'Enter':
      case ' ':
        if (item.kind === 'family') familySelected(item.family.id);
        else toggle(item.root.path);
        break;
      case 'Delete':
      case 'Backspace':
        if (item.kind === 'root') void removeRoot(item.root.path);
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  if (roots.length === 0) return null;

  return (
    <ul role="tree" aria-label="Watched folders and their checkpoint families" className="tree" onKeyDown={onKeyDown} data-testid="root-tree">
      {roots.map((root) => {
        const open = !collapsed.has(root.path);
        const status = rootStatusText(root);
        const key = rootKey(root.path);
        return (
          <li
            key={root.path}
            role="treeitem"
            aria-level={1}
            aria-expanded={open}
            aria-label={`${baseName(root.path)}, ${root.families.length} checkpoint ${root.families.length === 1 ? 'family' : 'families'}${status ? `, ${status}` : ''}`}
            tabIndex={tabKey === key ? 0 : -1}
            ref={(el) => {
              if (el) refs.current.set(key, el);
              else refs.current.delete(key);
            }}
            onFocus={(event) => {
              if (event.target === event.currentTarget) setFocusKey(key);
            }}
            className="tree-item root-item"
            data-testid="root-item"
            data-path={root.path}
            data-status={root.status}
          >
            <div className="tree-row root-row" title={root.path} onClick={() => toggle(root.path)}>
              <span className={`chevron${open ? ' open' : ''}`}>
                <ChevronIcon size={12} />
              </span>
              <FolderIcon size={14} className="folder-icon" />
              <span className="tree-label">{baseName(root.path)}</span>
              {status ? <span className={`root-status status-${root.status}`}>{status}</span> : <span className="tree-count">{root.families.length}</span>}
              <button
                type="button"
                className="icon-button remove-root"
                tabIndex={-1}
                data-testid="remove-root-button"
                aria-label={`Stop watching ${root.path}. Files on disk are not touched.`}
                title="Stop watching this folder (Delete). Files on disk are not touched."
                onClick={(event) => {
                  event.stopPropagation();
                  void removeRoot(root.path);
                }}
              >
                <CloseIcon size={12} />
              </button>
            </div>
            {root.error ? (
              <p className="tree-note error" data-testid="root-error">
                {root.error}
              </p>
            ) : null}
            {open && root.status === 'ready' && root.families.length === 0 ? <p className="tree-note">No checkpoints found in this folder.</p> : null}
            {open && root.families.length > 0 ? (
              <ul role="group">
                {root.families.map((family) => {
                  const fkey = familyKey(family.id);
                  const sub = relativeTo(root.path, family.dir);
                  const selected = family.id === selectedFamilyId;
                  return (
                    <li
                      key={family.id}
                      role="treeitem"
                      aria-level={2}
                      aria-selected={selected}
                      tabIndex={tabKey === fkey ? 0 : -1}
                      ref={(el) => {
                        if (el) refs.current.set(fkey, el);
                        else refs.current.delete(fkey);
                      }}
                      onFocus={() => setFocusKey(fkey)}
                      onClick={() => {
                        setFocusKey(fkey);
                        familySelected(family.id);
                      }}
                      className={`tree-item family-item${selected ? ' selected' : ''}`}
                      data-testid="family-item"
                      data-family={family.name}
                      data-family-id={family.id}
                      data-health={family.health}
                      data-checking={family.checking ? 'true' : undefined}
                      title={`${family.dir}/${family.name}`}
                    >
                      <div className={`tree-row family-row${sub ? ' with-sub' : ''}`}>
                        <span className="family-icon">
                          <StackIcon size={12} />
                        </span>
                        <span className="tree-label">
                          <span className="tree-name">{family.name}</span>
                          {sub ? <span className="tree-sub">{sub}</span> : null}
                        </span>
                        <HealthBadge health={family.health} checking={family.checking} />
                      </div>
                    </li>
                  );
                })}
              </ul>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
