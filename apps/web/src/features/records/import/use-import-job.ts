import { useEffect, useState } from 'react';
import { realtime } from '../../../api/realtime';
import { type ImportJob, recordExtrasApi } from '../../../api/records';

/**
 * Follows a background import: `import:progress` events as they come (throttled by the server to every
 * 250 ms), and the job itself when it ends (with its bad rows) or when events do not arrive (no socket).
 */
export function useImportJob(workspaceId: string, jobId: string | null): ImportJob | null {
  const [job, setJob] = useState<ImportJob | null>(null);
  useEffect(() => {
    if (!jobId) {
      setJob(null);
      return;
    }
    let alive = true;
    let finished = false;
    const load = async () => {
      try {
        const next = await recordExtrasApi.importJob(workspaceId, jobId);
        if (!alive) return;
        setJob(next);
        if (next.status !== 'running') finished = true;
      } catch {
        /* the next poll tries again */
      }
    };
    const off = realtime.on('import:progress', (payload) => {
      if (payload.jobId !== jobId || !alive) return;
      const progress = payload as unknown as ImportJob;
      setJob((now) => ({ ...(now ?? {}), ...progress, errors: now?.errors ?? [] }));
      // The final event has no bad rows: read them from the job.
      if (progress.status !== 'running') void load();
    });
    void load();
    const timer = setInterval(() => {
      if (!finished) void load();
    }, 1500);
    return () => {
      alive = false;
      off();
      clearInterval(timer);
    };
  }, [workspaceId, jobId]);
  return job;
}

/** How far a job is, in percent over its phases (validating then writing). */
export function jobPercent(job: ImportJob | null): number {
  if (!job) return 0;
  if (job.status !== 'running') return 100;
  const share = job.total > 0 ? job.done / job.total : 0;
  if (job.dryRun) return Math.round(share * 100);
  return job.phase === 'validating'
    ? Math.round(share * 50)
    : job.phase === 'writing'
      ? 50 + Math.round(share * 50)
      : 99;
}
