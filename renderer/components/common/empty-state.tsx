/** A calm, centred message for when there is nothing to show, saying what to do next. */
import type { ReactNode } from 'react';

/** Title, explanation and an optional action. */
export function EmptyState({ title, children, testId }: { readonly title: string; readonly children?: ReactNode; readonly testId?: string }) {
  return (
    <div className="empty-state" data-testid={testId ?? 'empty-state'}>
      <h2>{title}</h2>
      {children}
    </div>
  );
}
