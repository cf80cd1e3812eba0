/** Keeps one broken part (say, the editor chunk failing to load) from blanking the window. */
import { Component, type ReactNode } from 'react';

interface Props {
  /** What failed, in words: "The editor". */
  readonly what: string;
  readonly children: ReactNode;
}

/** Shows what failed and how to recover instead of unmounting everything. */
export class ErrorBoundary extends Component<Props, { readonly error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="inline-error boundary-error" role="alert">
        <p>
          {this.props.what} failed to load: {this.state.error.message}
        </p>
        <button type="button" className="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
