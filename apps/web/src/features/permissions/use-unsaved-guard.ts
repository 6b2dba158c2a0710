import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useFeedback } from '../../components/feedback';

/**
 * Warns before unsaved changes are lost: the browser's own prompt on reload or close, and a confirm
 * dialog for in-app links (the app uses a declarative router, where react-router's blocker is not
 * available, so link clicks are intercepted in the capture phase). `confirmDiscard` asks the same
 * question before page-internal switches such as picking another app.
 */
export function useUnsavedGuard(dirty: boolean): { confirmDiscard: (then: () => void) => void } {
  const { t } = useTranslation();
  const { modal } = useFeedback();
  const navigate = useNavigate();

  const confirmDiscard = useCallback(
    (then: () => void) => {
      if (!dirty) {
        then();
        return;
      }
      void modal.confirm({
        title: t('permissions.unsavedTitle'),
        content: t('permissions.unsavedBody'),
        okText: t('permissions.discard'),
        okButtonProps: { danger: true },
        cancelText: t('permissions.keepEditing'),
        onOk: then,
      });
    },
    [dirty, modal, t],
  );

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    };
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
        return;
      }
      const anchor = (event.target as Element | null)?.closest?.('a[href]');
      if (!(anchor instanceof HTMLAnchorElement) || anchor.target === '_blank') return;
      const url = new URL(anchor.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      event.preventDefault();
      event.stopPropagation();
      confirmDiscard(() => navigate(url.pathname + url.search + url.hash));
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [dirty, confirmDiscard, navigate]);

  return { confirmDiscard };
}
