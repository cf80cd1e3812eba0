/**
 * A small read-only Monaco editor for the Drift tab: the JSON value as loaded, with the
 * activated row's line centred and marked. Lazily loaded with the rest of Monaco.
 */
import Editor from '@monaco-editor/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DriftView } from '../../../shared/api/contract';
import { useColorScheme } from '../../hooks/use-color-scheme';
import { setupMonaco } from '../../monaco/setup-monaco';
import { EDITOR_THEMES } from '../../monaco/themes';
import { useAppStore } from '../../store/app-store';

const monaco = setupMonaco();
type CodeEditor = ReturnType<typeof monaco.editor.create>;

/** The post-load value of `view`, revealing the activated entry. */
export function DriftValueEditor({ view }: { readonly view: DriftView }) {
  const scheme = useColorScheme();
  const reveal = useAppStore((s) => s.driftReveal);
  const [editor, setEditor] = useState<CodeEditor | null>(null);
  const decorations = useRef<ReturnType<CodeEditor['createDecorationsCollection']> | null>(null);
  // The revealed line is written on the element (for tests and assistive tech), not kept as state.
  const box = useRef<HTMLDivElement>(null);
  const setRevealedLine = (line: string | null) => {
    if (!box.current) return;
    if (line === null) delete box.current.dataset.revealedLine;
    else box.current.dataset.revealedLine = line;
  };

  useEffect(() => {
    if (!editor || !reveal) return;
    const at = view.entries[reveal.index]?.at;
    const model = editor.getModel();
    decorations.current?.clear();
    if (!at || !model || at.line > model.getLineCount() || model.getValue() !== view.text) {
      setRevealedLine(null);
      return;
    }
    editor.revealLineInCenter(at.line, monaco.editor.ScrollType.Smooth);
    editor.setPosition({ lineNumber: at.line, column: Math.min(at.column, model.getLineMaxColumn(at.line)) });
    decorations.current = editor.createDecorationsCollection([
      { range: new monaco.Range(at.line, 1, at.line, 1), options: { isWholeLine: true, className: 'diff-reveal-line', linesDecorationsClassName: 'diff-reveal-gutter' } },
    ]);
    setRevealedLine(model.getLineContent(at.line));
  }, [editor, reveal, view]);

  const options = useMemo(
    () =>
      ({
        readOnly: true,
        domReadOnly: true,
        minimap: { enabled: false },
        glyphMargin: false,
        folding: true,
        lineNumbersMinChars: 4,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        fontSize: 12,
        lineHeight: 18,
        stickyScroll: { enabled: true },
        unicodeHighlight: { ambiguousCharacters: false },
        ariaLabel: `Value of ${view.path} as loaded`,
      }) as const,
    [view.path],
  );

  return (
    <div ref={box} className="drift-value" data-testid="drift-value">
      <Editor
        theme={scheme === 'dark' ? EDITOR_THEMES.dark : EDITOR_THEMES.light}
        loading={<div className="editor-loading">Loading the editor…</div>}
        value={view.text}
        language="json"
        options={options}
        onMount={(mounted) => setEditor(mounted)}
      />
    </div>
  );
}

export default DriftValueEditor;
