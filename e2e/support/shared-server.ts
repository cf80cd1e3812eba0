/** The serve-mode server global-setup started on the demo workspace. */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`npx playwright test\` so e2e/global-setup.ts starts the server.`);
  return value;
}

/** URL (with token), origin, token and the demo folder it watches. */
export function sharedServer(): { url: string; origin: string; token: string; demo: string } {
  return { url: required('CKPT_E2E_URL'), origin: required('CKPT_E2E_ORIGIN'), token: required('CKPT_E2E_TOKEN'), demo: required('CKPT_E2E_DEMO') };
}

/** A fresh folder inside the suite's temp workspace (removed with it). */
export function freshFolder(prefix: string): string {
  return mkdtempSync(path.join(required('CKPT_E2E_WORKSPACE'), `${prefix}-`));
}
