export { type Clock, now, setClock } from './clock.js';
export { cancelJob, DEFAULT_MAX_ATTEMPTS, type JobSpec, scheduleJob } from './jobs.js';
export { type JobDoc, type JobStatus, jobModel } from './model.js';
export {
  type HandlerOptions,
  type JobHandler,
  type JobRun,
  PermanentJobError,
  type RunSummary,
  Scheduler,
} from './scheduler.js';
