/**
 * The read-only Monaco editor showing a generation member's text. Loaded lazily (Monaco is most
 * of the bundle), and it is the module that runs `setupMonaco()`, so Monaco is configured before
 * its first editor mounts.
 *
 * The model is owned here, not by @monaco-editor/react: one model at a time, replaced when the
 * content changes and disposed, so browsing many large checkpoints does not pile up memory.
 * When the same member reloads (the job wrote again) the scroll position is kept.
 */
import Editor from '@monaco-editor/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { GenerationContent } from '../../../shared/api/contract';
import type { Severity } from '../../../shared/model/finding';
import { useColorScheme } from '../../hooks/use-color-scheme';
import { setupMonaco } from '../../monaco/setup-monaco';
import { EDITOR_THEMES } from '../../monaco/themes';
import { useAppStore } from '../../store/app-store';
import { locateFinding } from '../../store/selectors';

const monaco = setupMonaco();
type CodeEditor = ReturnType<typeof monaco.editor.create>;

const MARKER_SEVERITY: Record<Severity, number> = {
  error: monaco.MarkerSeverity.Error,
  warning: monaco.MarkerSeverity.Warning,
  info: monaco.MarkerSeverity.Info,
};

const FONT = 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace';

/** The editor. `onRevealed` reports the line a finding was revealed at (or null). */
export function ValueEditor({ content, onRevealed }: { readonly content: GenerationContent; readonly onRevealed: (line: number | null) => void }) {
  const scheme = useColorScheme();
  const revealRequest = useAppStore((s) => s.revealRequest);
  const [editor, setEditor] = useState<CodeEditor | null>(null);
  const shown = useRef<GenerationContent | null>(null);
  const decorations = useRef<ReturnType<CodeEditor['createDecorationsCollection']> | null>(null);
  const model = useRef<ReturnType<typeof monaco.editor.createModel> | null>(null);
  // The last reveal done, so a reload of the same file (the job wrote again) keeps the person's
  // scroll position instead of jumping back to the finding.
  const lastReveal = useRef<{ readonly seq: number; readonly key: string } | null>(null);

  useEffect(() => {
    monaco.editor.setTheme(scheme === 'dark' ? EDITOR_THEMES.dark : EDITOR_THEMES.light);
  }, [scheme]);

  // Swap the model when the content changes.
  useEffect(() => {
    if (!editor) return;
    const before = shown.current;
    const sameMember = before !== null && before.generationId === content.generationId && before.path === content.path;
    const viewState = sameMember ? editor.saveViewState() : null;
    const next = monaco.editor.createModel(content.text, content.language);
    const old = editor.getModel();
    editor.setModel(next);
    if (old && !old.isDisposed()) old.dispose();
    model.current = next;
    if (viewState) editor.restoreViewState(viewState);
    shown.current = content;
    decorations.current?.clear();
    decorations.current = editor.createDecorationsCollection();

    const markers = [];
    for (const finding of content.findings) {
      const at = locateFinding(content, finding);
      if (!at || at.line > next.getLineCount()) continue;
      markers.push({
        severity: MARKER_SEVERITY[finding.severity],
        message: `${finding.code}: ${finding.message}`,
        startLineNumber: at.line,
        startColumn: at.column,
        endLineNumber: at.line,
        endColumn: Math.max(at.column + 1, next.getLineMaxColumn(at.line)),
      });
    }
    monaco.editor.setModelMarkers(next, 'ckpt-doctor', markers);
  }, [editor, content]);

  // Reveal the activated finding: centre its line and mark it.
  useEffect(() => {
    if (!editor || !revealRequest || shown.current !== content) return;
    const key = `${content.generationId}\n${content.path}`;
    if (lastReveal.current?.seq === revealRequest.seq && lastReveal.current.key === key) return;
    lastReveal.current = { seq: revealRequest.seq, key };
    const at = locateFinding(content, revealRequest.finding);
    const shownModel = editor.getModel();
    if (!at || !shownModel || at.line > shownModel.getLineCount()) {
      decorations.current?.clear();
      onRevealed(null);
      return;
    }
    const column = Math.min(at.column, shownModel.getLineMaxColumn(at.line));
    editor.revealPositionInCenter({ lineNumber: at.line, column }, monaco.editor.ScrollType.Smooth);
    editor.setPosition({ lineNumber: at.line, column });
    const severity = revealRequest.finding.severity;
    decorations.current?.set([
      {
        range: new monaco.Range(at.line, 1, at.line, 1),
        options: {
          isWholeLine: true,
          className: `reveal-line reveal-${severity}`,
          linesDecorationsClassName: `reveal-gutter reveal-${severity}`,
          overviewRuler: { color: severity === 'error' ? '#cf222e' : severity === 'warning' ? '#bf8700' : '#0969da', position: monaco.editor.OverviewRulerLane.Full },
        },
      },
      { range: new monaco.Range(at.line, column, at.line, column + 1), options: { inlineClassName: `reveal-char reveal-${severity}` } },
    ]);
    onRevealed(at.line);
  }, [editor, content, revealRequest, onRevealed]);

  const options = useMemo(
    () => ({
      readOnly: true,
      domReadOnly: true,
      readOnlyMessage: { value: 'Checkpoint Doctor never edits checkpoints. Use rollback to change the current generation.' },
      minimap: { enabled: false },
      glyphMargin: false,
      folding: true,
      lineNumbersMinChars: 4,
      scrollBeyondLastLine: false,
      automaticLayout: true,
      fontSize: 12,
      lineHeight: 18,
      fontFamily: FONT,
      renderLineHighlight: 'line',
      stickyScroll: { enabled: true },
      tabFocusMode: true,
      contextmenu: true,
      unicodeHighlight: { ambiguousCharacters: false },
      ariaLabel: `Decoded value of ${content.path}`,
    }) as const,
    [content.path],
  );

  return (
    <Editor
      theme={scheme === 'dark' ? EDITOR_THEMES.dark : EDITOR_THEMES.light}
      loading={<div className="editor-loading">Loading the editor…</div>}
      options={options}
      onMount={(mounted) => {
        setEditor(mounted);
        mounted.onDidDispose(() => {
          // The wrapper disposes the editor; the models are ours.
          const last = model.current;
          if (last && !last.isDisposed()) last.dispose();
          model.current = null;
          shown.current = null;
        });
      }}
    />
  );
}

export default ValueEditor;
