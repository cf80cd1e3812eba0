/**
 * The security posture of the Electron window, as data: the BrowserWindow options, the
 * Content-Security-Policy and the app:// origin. Kept free of Electron values (types only) so a
 * unit test can assert them without the Electron binary, and so serve mode can send the same CSP.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** The privileged scheme the renderer is served from (Monaco workers need a real origin, not file://). */
export const APP_SCHEME = 'app';
/** Host part of every app:// URL; one fixed host gives one origin for CSP `'self'`. */
export const APP_HOST = 'bundle';
/** The renderer's origin. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * CSP directives. Scripts, workers, fonts and connections stay on the app's own origin; Monaco
 * injects `<style>` elements at runtime, hence `'unsafe-inline'` for styles only. Nothing may be
 * framed, posted or loaded from elsewhere.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** The CSP header value sent with every response the window receives. */
export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([name, sources]) => `${name} ${sources.join(' ')}`)
  .join('; ');

/** Headers added to every app:// response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** What the window needs to know about its environment. */
export interface WindowOptionsInput {
  /** Absolute path of the bundled (CommonJS) preload script. */
  readonly preloadPath: string;
  /** Development build: DevTools allowed. */
  readonly devTools: boolean;
}

/** BrowserWindow options: an isolated, sandboxed renderer with no Node and no way out. */
export function createWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 860,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Checkpoint Doctor',
    backgroundColor: '#1b1d21',
    autoHideMenuBar: false,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}

/** True when `url` belongs to the app's own origin (the only origin allowed to talk to the engine). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Whether the window may load `url` at all. Only the app's origin and in-page `data:`/`blob:`
 * resources; `devtools:` for the developer tools. Everything else (http, https, ws, file) is
 * cancelled before it leaves the machine.
 */
export function isAllowedRequestUrl(url: string): boolean {
  if (isAppUrl(url)) return true;
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  return scheme === 'data:' || scheme === 'blob:' || scheme === 'devtools:';
}

/**
 * A link the person clicked that may be handed to the system browser: https only, no
 * credentials in it. Everything else is refused.
 */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.hostname.includes('.');
  } catch {
    return false;
  }
}
