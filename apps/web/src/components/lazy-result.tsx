import type { ResultProps } from 'antd';
import { lazy, Suspense } from 'react';

// antd's Result always carries its 403, 404 and 500 illustrations (10 KB gzipped): it loads when an
// outcome is first shown, not with every page.
const AntResult = lazy(() => import('antd/es/result'));

/** antd's Result, loaded on first use. */
export function Result(props: ResultProps) {
  return (
    <Suspense fallback={null}>
      <AntResult {...props} />
    </Suspense>
  );
}
