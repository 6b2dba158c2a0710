import type { App } from 'antd';
import { theme } from 'antd';
import {
  type ComponentType,
  type CSSProperties,
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { formShown, isFormFillingPath } from '../features/forms/fill/form-shown';

/** antd's message, notification and modal APIs, as `App.useApp()` gives them. */
export type Feedback = ReturnType<typeof App.useApp>;

type Holders = ComponentType<{ onReady(api: Feedback): void }>;

const loadHolders = () => import('./feedback-holders').then((m) => m.FeedbackHolders);

const FeedbackContext = createContext<Feedback | null>(null);

const METHODS = {
  message: ['open', 'success', 'error', 'info', 'warning', 'loading', 'destroy'],
  notification: ['open', 'success', 'error', 'info', 'warning', 'destroy'],
  modal: ['confirm', 'info', 'success', 'error', 'warning'],
} as const;

type Call = (api: Feedback) => unknown;

/**
 * What a call made before the holders arrived answers: closing it (a message's returned function, a
 * modal's `destroy`) works then or later, `update` reaches the modal once shown, and awaiting it
 * settles as the real answer does.
 */
function pendingAnswer(enqueue: (run: (api: Feedback) => void) => void, call: Call) {
  let real: unknown;
  let closed = false;
  const settled = new Promise<unknown>((resolve) => {
    enqueue((api) => {
      if (closed) return resolve(false);
      real = call(api);
      // antd's answer is itself awaitable: the promise follows it.
      resolve(real);
    });
  });
  const close = () => {
    closed = true;
    if (typeof real === 'function') (real as () => void)();
    else (real as { destroy?: () => void } | undefined)?.destroy?.();
  };
  return Object.assign(close, {
    destroy: close,
    update: (config: unknown) => (real as { update?: (c: unknown) => void } | undefined)?.update?.(config),
    // biome-ignore lint/suspicious/noThenProperty: the answer is awaited like antd's own (a thenable).
    then: settled.then.bind(settled),
  });
}

/**
 * The app's messages, notifications and confirm dialogs, with antd's API, without loading antd's message,
 * notification and modal code before the page is shown: `App` from antd brings ~17 KB gzipped to every
 * page. The holders load once the page is up (on a form-filling page once its form is shown, so they
 * are there for an offline submit) or at the first call, which waits for them.
 */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const { token } = theme.useToken();
  const [holders, setHolders] = useState<{ Component: Holders } | null>(null);
  const api = useRef<Feedback | null>(null);
  const queue = useRef<Array<(api: Feedback) => void>>([]);
  const loading = useRef(false);

  const load = useCallback(() => {
    if (loading.current) return;
    loading.current = true;
    void loadHolders().then((Component) => setHolders({ Component }));
  }, []);

  useEffect(() => {
    if (!isFormFillingPath(window.location.pathname)) return load();
    // On a form-filling page the form comes first; a slow form still gets its holders.
    void Promise.race([formShown, new Promise((resolve) => setTimeout(resolve, 5000))]).then(load);
  }, [load]);

  const onReady = useCallback((ready: Feedback) => {
    api.current = ready;
    for (const run of queue.current.splice(0)) run(ready);
  }, []);

  const feedback = useMemo(() => {
    const enqueue = (run: (ready: Feedback) => void) => {
      if (api.current) return run(api.current);
      queue.current.push(run);
      load();
    };
    const part = (name: keyof typeof METHODS) =>
      Object.fromEntries(
        METHODS[name].map((method) => [
          method,
          (...args: unknown[]) => {
            const call: Call = (ready) =>
              (ready[name] as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args);
            return api.current ? call(api.current) : pendingAnswer(enqueue, call);
          },
        ]),
      );
    return {
      message: part('message'),
      notification: part('notification'),
      modal: part('modal'),
    } as unknown as Feedback;
  }, [load]);

  const Component = holders?.Component;
  return (
    <FeedbackContext.Provider value={feedback}>
      {/* The text defaults antd's App sets on its element, and the theme's link colors for styles.css. */}
      <div
        style={
          {
            color: token.colorText,
            fontSize: token.fontSize,
            lineHeight: token.lineHeight,
            fontFamily: token.fontFamily,
            '--fl-link': token.colorLink,
            '--fl-link-hover': token.colorLinkHover,
            '--fl-link-active': token.colorLinkActive,
            '--fl-focus': token.colorPrimaryBorder,
          } as CSSProperties
        }
      >
        {Component && <Component onReady={onReady} />}
        {children}
      </div>
    </FeedbackContext.Provider>
  );
}

/** antd's `message`, `notification` and `modal` of the {@link FeedbackProvider}, as `App.useApp()` gives them. */
export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext);
  if (!feedback) throw new Error('useFeedback needs a FeedbackProvider above it');
  return feedback;
}
