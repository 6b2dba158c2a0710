import { Skeleton } from 'antd';
import { type ComponentType, lazy, Suspense } from 'react';
import type { DisplayProps, InputProps } from './types';

type Loader<P> = () => Promise<ComponentType<P>>;

/**
 * A widget's input loaded when a form first shows a field of its kind: a form without attachments never
 * downloads the upload, image preview and signature code (nor one without departments the tree select).
 */
export function lazyInput(load: Loader<InputProps>): ComponentType<InputProps> {
  const Input = lazy(() => load().then((component) => ({ default: component })));
  // biome-ignore lint/correctness/noComponentHookFactories: made once per widget, at module level.
  return function LazyInput(props: InputProps) {
    return (
      <Suspense fallback={<Skeleton.Input active block />}>
        <Input {...props} />
      </Suspense>
    );
  };
}

/** A widget's display loaded on first use (see {@link lazyInput}). */
export function lazyDisplay(load: Loader<DisplayProps>): ComponentType<DisplayProps> {
  const Display = lazy(() => load().then((component) => ({ default: component })));
  // biome-ignore lint/correctness/noComponentHookFactories: made once per widget, at module level.
  return function LazyDisplay(props: DisplayProps) {
    return (
      <Suspense fallback={null}>
        <Display {...props} />
      </Suspense>
    );
  };
}
