/** A timestamp shown relative to now, exact on hover, and re-rendered as time passes. */
import { useSyncExternalStore } from 'react';
import { absoluteTime, relativeTime } from '../../format/time';

const TICK_MS = 15_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

// One shared clock for every timestamp on screen, running only while one is mounted.
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function getNow(): number {
  // Before the clock runs (first render after a quiet spell) "now" may be old: refresh it, at
  // one-second grain so consecutive reads in one render agree.
  if (timer === undefined) now = Math.floor(Date.now() / 1000) * 1000;
  return now;
}

/** The shared "now", updated every few seconds. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow);
}

/** `5 min ago`, with the exact local time as a tooltip and machine-readable `dateTime`. */
export function RelativeTime({ ms }: { readonly ms: number }) {
  const current = useNow();
  const exact = absoluteTime(ms);
  return (
    <time dateTime={new Date(ms).toISOString()} title={exact}>
      {relativeTime(ms, current)}
    </time>
  );
}
