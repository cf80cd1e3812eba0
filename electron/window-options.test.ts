import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  CSP_DIRECTIVES,
  createWindowOptions,
  isAllowedRequestUrl,
  isAppUrl,
  isSafeExternalUrl,
} from './window-options';

describe('window options', () => {
  const prefs = createWindowOptions({ preloadPath: '/app/out/preload/index.cjs', devTools: false }).webPreferences ?? {};

  it('isolates and sandboxes the renderer without Node', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('allows DevTools only in development', () => {
    expect(prefs.devTools).toBe(false);
    expect(createWindowOptions({ preloadPath: '/p', devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('content security policy', () => {
  const directive = (name: string) => {
    const part = CONTENT_SECURITY_POLICY.split(';').map((p) => p.trim()).find((p) => p.split(' ')[0] === name);
    return part ? part.split(' ').slice(1) : undefined;
  };

  it('denies by default and keeps scripts, workers and connections on our origin', () => {
    expect(directive('default-src')).toEqual(["'none'"]);
    expect(directive('script-src')).toEqual(["'self'"]);
    expect(directive('connect-src')).toEqual(["'self'"]);
    expect(directive('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directive('object-src')).toEqual(["'none'"]);
    expect(directive('base-uri')).toEqual(["'none'"]);
    expect(directive('frame-ancestors')).toEqual(["'none'"]);
    expect(directive('form-action')).toEqual(["'none'"]);
  });

  it('never allows eval, inline scripts or a remote host', () => {
    const all = Object.values(CSP_DIRECTIVES).flat();
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|https?:|\*/);
    expect(directive('script-src')).not.toContain("'unsafe-inline'");
    expect(all.every((source) => /^'[a-z-]+'$|^(data|blob):$/.test(source))).toBe(true);
  });
});

describe('origin checks', () => {
  it('recognises only app://bundle as ours', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://bundle/assets/editor.worker.js')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://bundle/index.html')).toBe(false);
    expect(isAppUrl('file:///app/out/renderer/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('cancels every request that would leave the app', () => {
    expect(isAllowedRequestUrl('app://bundle/index.html')).toBe(true);
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequestUrl('blob:app://bundle/1234')).toBe(true);
    for (const url of ['https://example.com/', 'http://127.0.0.1:8123/', 'ws://127.0.0.1:8123/ws', 'file:///etc/passwd', 'ftp://x/', 'app://other/index.html']) {
      expect(isAllowedRequestUrl(url), url).toBe(false);
    }
  });

  it('hands only plain https links to the system browser', () => {
    expect(isSafeExternalUrl('https://github.com/checkpoint-doctor')).toBe(true);
    expect(isSafeExternalUrl('http://example.com/')).toBe(false);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('https://user:secret@example.com/')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
  });
});
