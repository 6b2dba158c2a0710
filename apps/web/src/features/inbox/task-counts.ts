import { useEffect, useSyncExternalStore } from 'react';
import { realtime } from '../../api/realtime';
import { type TaskCounts, tasksApi } from '../../api/tasks';

/**
 * The signed-in member's inbox counts, shared by the navigation badge and the inbox page: loaded once per
 * workspace, loaded again when tasks reach them or close (sockets) and after they act on one.
 */
class CountsStore {
  private counts: TaskCounts | undefined;
  private workspace: string | undefined;
  private loading: Promise<void> | undefined;
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): TaskCounts | undefined => this.counts;

  /** Loads the counts of `workspace` unless they are loaded (or `force`). */
  load(workspace: string, force = false): Promise<void> {
    if (this.workspace !== workspace) {
      this.workspace = workspace;
      this.counts = undefined;
      this.loading = undefined;
    }
    if (this.loading && !force) return this.loading;
    this.loading = tasksApi.list(workspace, 'pending').then(
      (page) => this.set(workspace, page.counts),
      // A server without tasks yet, or offline: the badge stays as it was.
      () => undefined,
    );
    return this.loading;
  }

  /** Counts that came with a page of the inbox. */
  set(workspace: string, counts: TaskCounts): void {
    if (workspace !== this.workspace) return;
    this.counts = counts;
    for (const listener of this.listeners) listener();
  }
}

export const taskCounts = new CountsStore();

/** The inbox counts of `workspace`, kept current while mounted. */
export function useTaskCounts(workspace: string | undefined): TaskCounts | undefined {
  const counts = useSyncExternalStore(taskCounts.subscribe, taskCounts.snapshot);
  useEffect(() => {
    if (!workspace) return;
    void taskCounts.load(workspace);
    const reload = (event: { ws: string }) => {
      if (event.ws === workspace) void taskCounts.load(workspace, true);
    };
    const offAssigned = realtime.on('tasks:assigned', reload);
    const offClosed = realtime.on('tasks:closed', reload);
    return () => {
      offAssigned();
      offClosed();
    };
  }, [workspace]);
  return counts;
}
