import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { ErrorState } from './status-states';

/** A page's code that could not be loaded (offline phone, or a tab opened before an upgrade). */
function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|Importing a module script failed|Failed to fetch|error loading/i.test(
    message,
  );
}

interface BoundaryProps {
  children: ReactNode;
  /** Changes when the person goes to another page, which clears the failure. */
  resetKey: string;
  render: (failure: { chunk: boolean; message: string }) => ReactNode;
}

class Boundary extends Component<BoundaryProps, { error: unknown; key: string }> {
  override state = { error: undefined as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: { error: unknown; key: string }) {
    return props.resetKey === state.key ? null : { error: undefined, key: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('A page failed to render', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    const message = error instanceof Error ? error.message : String(error);
    return this.props.render({ chunk: isChunkLoadError(error), message });
  }
}

/**
 * Keeps a failing page from blanking the whole app: the header and navigation stay, the page says what
 * happened and offers a reload (a page whose code could not be loaded says so: usually the connection, or
 * a newer version of Formloom on the server). Going to another page clears it.
 */
export function PageErrorBoundary({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <Boundary
      resetKey={location.pathname}
      render={({ chunk, message }) => (
        <ErrorState
          title={chunk ? t('common.pageCodeFailed') : t('common.pageFailed')}
          description={chunk ? t('common.pageCodeFailedHelp') : message}
          onRetry={() => window.location.reload()}
        />
      )}
    >
      {children}
    </Boundary>
  );
}
