/**
 * Why a diff or drift job gave no answer, with "Try again" only when a second try can pass (the
 * file vanished, the worker was stopped, the answer was lost): a file that does not decode fails
 * the same way every time, and a button that cannot help is worse than none.
 */
import type { ReactNode } from 'react';

export function JobErrorNote({ testId, retryable, onRetry, children }: { readonly testId: string; readonly retryable: boolean; readonly onRetry: () => void; readonly children: ReactNode }) {
  return (
    <div className="content-note warning" role="alert" data-testid={testId}>
      <span>{children}</span>
      {retryable ? (
        <>
          {' '}
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        </>
      ) : null}
    </div>
  );
}
