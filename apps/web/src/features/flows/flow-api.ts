import { apiRequest } from '../../api/client';
import type { FlowJson } from './flow-model';

/** A stored flow: the working definition and the published one with its version (docs/flows.md). */
export interface StoredFlow {
  id: string;
  app: string;
  form: string;
  key: string;
  definition: FlowJson;
  published: FlowJson | null;
  /** The published version (0 until the first publish). */
  version: number;
  v: number;
  createdAt: string;
  updatedAt: string;
}

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;
const enc = encodeURIComponent;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** The flow routes, for workspace owners and admins. */
export const flowApi = {
  list: (w: string, app: string, signal?: AbortSignal) =>
    apiRequest<StoredFlow[]>('GET', `${ws(w)}/apps/${enc(app)}/flows`, opts(signal)),
  get: (w: string, id: string, signal?: AbortSignal) =>
    apiRequest<StoredFlow>('GET', `${ws(w)}/flows/${enc(id)}`, opts(signal)),
  /** Creates the form's flow; `publish` makes it version 1 at once. */
  create: (w: string, app: string, definition: FlowJson, publish: boolean) =>
    apiRequest<StoredFlow>('POST', `${ws(w)}/apps/${enc(app)}/flows`, { body: { definition, publish } }),
  /** Saves the working definition (checked); `publish` publishes it as the next version. */
  update: (w: string, id: string, definition: FlowJson, v: number, publish: boolean) =>
    apiRequest<StoredFlow>('PUT', `${ws(w)}/flows/${enc(id)}`, { body: { definition, v, publish } }),
};
