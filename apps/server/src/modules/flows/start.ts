import { type Connection, Types } from 'mongoose';
import { appError, t } from '../../lib/errors.js';
import type { FormTarget } from '../records/context.js';
import type { RecordDoc } from '../records/model.js';
import type { SubmitHook } from '../records/submit-hooks.js';
import { now as clockNow } from '../scheduler/clock.js';
import { programOf, publishedFlowOf } from './definitions.js';
import { toAppError } from './errors.js';
import { type OutboxEntry, outboxEntry, settleOutbox } from './outbox.js';
import { type FlowStateView, flowStateView } from './stored.js';
import { runEvent, toStored, transition } from './transition.js';

/**
 * The records module's submit hook: when the form has a published flow, a new record starts an instance
 * of it pinned to that version, stored in the record's own insert (assignees resolved against the record as
 * submitted) with its effects as an outbox entry; once the record is stored its tasks open and the rest of the
 * effects follow.
 */
export function submitHook(connection: Connection): SubmitHook {
  return async (target: FormTarget) => {
    const published = await publishedFlowOf(connection, target.caller.ws, target.form.id);
    if (!published) return undefined;
    let started: OutboxEntry | undefined;
    return {
      async prepare(doc: RecordDoc) {
        const at = clockNow(connection);
        const program = programOf(published.id, published.version, published.definition, target.form);
        const loaded = {
          record: doc,
          form: target.form,
          roles: target.app.roles ?? [],
          stored: null,
          flow: null,
        };
        const event = {
          type: 'start' as const,
          id: new Types.ObjectId().toHexString(),
          flow: published.id.toHexString(),
          version: published.version,
          submitter: target.caller.userId.toHexString(),
          data: doc.data,
        };
        try {
          const result = await runEvent(connection, loaded, program, null, event, doc.data, at);
          const effects = [...result.effects];
          const stored = toStored(result.instance, published.key, null, effects);
          const entry = outboxEntry(new Types.ObjectId(), {
            at,
            flowId: published.id,
            flow: stored,
            start: true,
            actor: target.caller.userId,
            effects,
            history: { v: doc.v, timeline: stored.timeline },
          });
          started = entry;
          doc.flow = stored;
          doc.flowOutbox = [entry];
        } catch (error) {
          throw toAppError(error);
        }
      },
      async committed(doc: RecordDoc) {
        if (!started) return;
        const scope = { connection, ws: doc.ws, app: doc.app, form: doc.form, record: doc._id };
        await settleOutbox({ ...scope, definition: published.definition }, started);
      },
    };
  };
}

/** Input of {@link startFlow}. */
export interface StartFlowInput {
  ws: Types.ObjectId | string;
  record: Types.ObjectId | string;
  /** The submitter: who starts it (a member); default the record's creator. */
  by?: Types.ObjectId | string | null;
  /**
   * The new instance's id, for callers that may call again for the same start (an automation's retried
   * action): when the record's latest instance already has this id, nothing starts and its state is the
   * answer.
   */
  instance?: string;
  /** The key the form's published flow must have (an automation names the flow it starts). */
  key?: string;
}

const toId = (value: Types.ObjectId | string) =>
  typeof value === 'string' ? new Types.ObjectId(value) : value;

/**
 * Starts the published flow of a record's form on an existing record (automations' `startFlow` action, the
 * record's "submit for approval"): a new instance pinned to the published version, in one guarded update.
 * 409 while an instance is in progress or returned; 422 when the form has no published flow.
 */
export async function startFlow(connection: Connection, input: StartFlowInput): Promise<FlowStateView> {
  const ws = toId(input.ws);
  const by = input.by ? toId(input.by) : null;
  let already: FlowStateView | undefined;
  const result = await transition(connection, ws, toId(input.record), by, async (loaded) => {
    if (input.instance !== undefined && loaded.stored?.id === input.instance) {
      already = flowStateView(loaded.record._id, loaded.stored);
      throw new AlreadyStarted();
    }
    const status = loaded.stored?.status;
    if (status === 'inProgress' || status === 'returned') {
      throw appError('CONFLICT', 'flow.stillRunning');
    }
    const published = await publishedFlowOf(connection, ws, loaded.record.form);
    if (!published) throw appError('UNPROCESSABLE', 'flow.notPublished');
    if (input.key !== undefined && published.key !== input.key) {
      throw appError('UNPROCESSABLE', t('flow.otherFlow', { flow: input.key, published: published.key }));
    }
    return {
      start: published,
      events: [
        {
          type: 'start',
          id: input.instance ?? new Types.ObjectId().toHexString(),
          flow: published.id.toHexString(),
          version: published.version,
          submitter: (by ?? loaded.record.createdBy).toHexString(),
        },
      ],
    };
  }).catch((error: unknown) => {
    if (error instanceof AlreadyStarted) return undefined;
    throw error;
  });
  if (!result) return already as FlowStateView;
  return result.view;
}

/** Thrown out of a transition's plan when the start asked for already happened. */
class AlreadyStarted extends Error {}
