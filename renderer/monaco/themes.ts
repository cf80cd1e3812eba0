/**
 * Editor themes matching the app's light and dark palettes (styles/theme.css), so the value
 * editor reads as part of the window rather than a pasted-in widget.
 */
import type * as Monaco from 'monaco-editor/editor';

/** Theme names registered with Monaco. */
export const EDITOR_THEMES = { light: 'ckpt-light', dark: 'ckpt-dark' } as const;

/** Register both themes. */
export function defineThemes(monaco: typeof Monaco): void {
  monaco.editor.defineTheme(EDITOR_THEMES.light, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'string.key.json', foreground: '0550ae' },
      { token: 'string.value.json', foreground: '0a3069' },
      { token: 'number', foreground: '953800' },
      { token: 'keyword.json', foreground: 'cf222e' },
    ],
    colors: {
      'editor.background': '#ffffff',
      'editorGutter.background': '#f6f8fa',
      'editorLineNumber.foreground': '#8c959f',
      'editor.lineHighlightBackground': '#f6f8fa',
    },
  });
  monaco.editor.defineTheme(EDITOR_THEMES.dark, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'string.key.json', foreground: '79c0ff' },
      { token: 'string.value.json', foreground: 'a5d6ff' },
      { token: 'number', foreground: 'ffa657' },
      { token: 'keyword.json', foreground: 'ff7b72' },
    ],
    colors: {
      'editor.background': '#0d1117',
      'editorGutter.background': '#0d1117',
      'editorLineNumber.foreground': '#6e7681',
      'editor.lineHighlightBackground': '#161b22',
    },
  });
}
