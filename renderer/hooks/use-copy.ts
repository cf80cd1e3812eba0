/** Copy text to the clipboard and say so for a moment. */
import { useCallback, useEffect, useRef, useState } from 'react';

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Plain-http serve mode on a non-loopback name has no async clipboard; the legacy path still works.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** `copy(text, key)` copies; `copiedKey` names what was copied last, for ~1.5 s. */
export function useCopy(): { readonly copiedKey: string | null; readonly copy: (text: string, key: string) => Promise<boolean> } {
  const [copiedKey, setCopiedKey] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = useCallback(async (text: string, key: string) => {
    const ok = await writeClipboard(text);
    if (ok) {
      setCopiedKey(key);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopiedKey(null), 1500);
    }
    return ok;
  }, []);
  return { copiedKey, copy };
}
