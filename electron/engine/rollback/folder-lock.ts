/**
 * Who may touch a family's folder right now. Within one process a set of busy folders keeps two
 * calls (a double-clicked Confirm, recovery racing an undo) apart; across processes the journal
 * is the lock, and its recorded owner tells recovery whether the operation is still running.
 */
import type { Journal } from './journal';
import { processIdentity } from './journal';

const busyFolders = new Set<string>();

/** Take the in-process lock of a folder; returns the release function, or null when it is busy. */
export function lockFolder(dirReal: string): (() => void) | null {
  if (busyFolders.has(dirReal)) return null;
  busyFolders.add(dirReal);
  return () => {
    busyFolders.delete(dirReal);
  };
}

/** Whether the process that wrote a journal may still be running it. */
export type JournalOwner = 'gone' | 'alive' | 'other_host';

/** Find out whether a journal's owner is gone (safe to recover), alive, or on a machine we cannot see. */
export async function journalOwner(journal: Journal): Promise<JournalOwner> {
  const me = await processIdentity();
  if (journal.host !== me.host) return 'other_host';
  if (journal.bootId !== null && me.bootId !== null && journal.bootId !== me.bootId) return 'gone';
  // Our own pid: the in-process lock (held by the caller) says nothing of ours is running there.
  if (journal.pid === me.pid) return 'gone';
  try {
    process.kill(journal.pid, 0);
    return 'alive';
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM' ? 'alive' : 'gone';
  }
}
