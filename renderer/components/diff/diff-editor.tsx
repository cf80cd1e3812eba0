/**
 * Monaco's side-by-side diff of the two canonical texts, unchanged regions folded. Loaded lazily
 * with the rest of Monaco. Revealing a change centres its line on both sides and marks it; the
 * revealed lines are also written to `data-revealed-*` so tests and screen readers can tell.
 */
import { DiffEditor } from '@monaco-editor/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DiffView, TextLocation } from '../../../shared/api/contract';
import { useColorScheme } from '../../hooks/use-color-scheme';
import { setupMonaco } from '../../monaco/setup-monaco';
import { EDITOR_THEMES } from '../../monaco/themes';
import { useAppStore } from '../../store/app-store';

const monaco = setupMonaco();
type DiffEditorInstance = ReturnType<typeof monaco.editor.createDiffEditor>;
type CodeEditor = ReturnType<typeof monaco.editor.create>;

const FONT = 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace';

function mark(editor: CodeEditor, at: TextLocation | undefined, previous: ReturnType<CodeEditor['createDecorationsCollection']> | null) {
  previous?.clear();
  const model = editor.getModel();
  if (!at || !model || at.line > model.getLineCount()) return { decorations: null, line: null as string | null };
  editor.revealLineInCenter(at.line, monaco.editor.ScrollType.Immediate);
  editor.setPosition({ lineNumber: at.line, column: Math.min(at.column, model.getLineMaxColumn(at.line)) });
  const decorations = editor.createDecorationsCollection([
    { range: new monaco.Range(at.line, 1, at.line, 1), options: { isWholeLine: true, className: 'diff-reveal-line', linesDecorationsClassName: 'diff-reveal-gutter' } },
  ]);
  return { decorations, line: model.getLineContent(at.line) };
}

/** The diff editor for `view`. */
export function DiffTextEditor({ view }: { readonly view: DiffView }) {
  const scheme = useColorScheme();
  const reveal = useAppStore((s) => s.diffReveal);
  const [editor, setEditor] = useState<DiffEditorInstance | null>(null);
  const [revealed, setRevealed] = useState<{ before: string | null; after: string | null; pointer: string } | null>(null);
  const marks = useRef<{ a: ReturnType<CodeEditor['createDecorationsCollection']> | null; b: ReturnType<CodeEditor['createDecorationsCollection']> | null }>({ a: null, b: null });

  useEffect(() => {
    if (!editor || !reveal) return;
    const change = view.changes[reveal.index];
    if (!change) return;
    // Wait for the diff to be computed: revealing before it lands scrolls a layout that is about to change.
    const run = () => {
      const a = mark(editor.getOriginalEditor(), change.beforeAt, marks.current.a);
      const b = mark(editor.getModifiedEditor(), change.afterAt, marks.current.b);
      marks.current = { a: a.decorations, b: b.decorations };
      setRevealed({ before: a.line, after: b.line, pointer: change.pointer });
    };
    if (editor.getLineChanges() !== null) run();
    const sub = editor.onDidUpdateDiff(run);
    return () => sub.dispose();
  }, [editor, reveal, view]);

  const options = useMemo(
    () =>
      ({
        readOnly: true,
        originalEditable: false,
        domReadOnly: true,
        renderSideBySide: true,
        // The detail pane is often narrower than Monaco's 900 px switch to inline; side by side is the point here.
        useInlineViewWhenSpaceIsLimited: false,
        hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 5, revealLineCount: 20 },
        minimap: { enabled: false },
        glyphMargin: false,
        lineNumbersMinChars: 4,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        fontSize: 12,
        lineHeight: 18,
        fontFamily: FONT,
        renderOverviewRuler: true,
        unicodeHighlight: { ambiguousCharacters: false },
        originalAriaLabel: `Canonical value of ${view.a.label}`,
        modifiedAriaLabel: `Canonical value of ${view.b.label}`,
        // Large checkpoints: give Monaco's diff a few seconds, then show what it has.
        maxComputationTime: 5000,
      }) as const,
    [view.a.label, view.b.label],
  );

  return (
    <div
      className="diff-editor"
      data-testid="diff-editor"
      data-revealed-pointer={revealed?.pointer ?? undefined}
      data-revealed-before={revealed?.before ?? undefined}
      data-revealed-after={revealed?.after ?? undefined}
    >
      <div className="diff-editor-heads">
        <span className="mono" title={view.a.path}>
          {view.a.label}
        </span>
        <span className="mono" title={view.b.path}>
          {view.b.label}
        </span>
      </div>
      <div className="diff-editor-body">
        <DiffEditor
          theme={scheme === 'dark' ? EDITOR_THEMES.dark : EDITOR_THEMES.light}
          loading={<div className="editor-loading">Loading the editor…</div>}
          original={view.a.text}
          modified={view.b.text}
          language="json"
          options={options}
          onMount={(mounted) => setEditor(mounted)}
        />
      </div>
    </div>
  );
}

export default DiffTextEditor;
