import { type Connection, type Model, Schema, Types } from 'mongoose';
import { appError, notFound, t } from '../../lib/errors.js';
import type { Caller } from '../apps/caller.js';
import { publishUserNotice } from '../realtime/bus.js';
import { workspaceModels } from '../workspaces/models.js';
import { type FormTarget, openForm } from './context.js';
import { recordModel } from './model.js';

/** A comment on a record; `mentions` are the workspace members it names. */
export interface CommentDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  form: Types.ObjectId;
  record: Types.ObjectId;
  author: Types.ObjectId;
  text: string;
  mentions: Types.ObjectId[];
  createdAt: Date;
}

const commentSchema = new Schema<CommentDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    form: { type: Schema.Types.ObjectId, required: true },
    record: { type: Schema.Types.ObjectId, required: true },
    author: { type: Schema.Types.ObjectId, required: true },
    text: { type: String, required: true },
    mentions: { type: [Schema.Types.ObjectId], default: [] },
    createdAt: { type: Date, required: true },
  },
  { collection: 'comments', versionKey: false },
);
commentSchema.index({ ws: 1, record: 1, createdAt: 1 });
commentSchema.index({ ws: 1, mentions: 1, createdAt: -1 });

/** The `comments` model on a connection. */
export function commentModel(connection: Connection): Model<CommentDoc> {
  return (
    (connection.models.RecordComment as Model<CommentDoc> | undefined) ??
    connection.model<CommentDoc>('RecordComment', commentSchema)
  );
}

/** A comment as the API answers it. */
export interface CommentView {
  id: string;
  author: string;
  text: string;
  mentions: string[];
  createdAt: string;
}

function view(doc: CommentDoc): CommentView {
  return {
    id: doc._id.toHexString(),
    author: doc.author.toHexString(),
    text: doc.text,
    mentions: doc.mentions.map((m) => m.toHexString()),
    createdAt: doc.createdAt.toISOString(),
  };
}

/** `@[any label](24-hex user id)`: the mention syntax the web app inserts. */
const MENTION = /@\[[^\]\n]{1,100}\]\(([0-9a-fA-F]{24})\)/g;

/** The user ids a comment text mentions, in order, without repeats. */
export function mentionedIds(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => (m[1] ?? '').toLowerCase()))];
}

async function requireVisible(target: FormTarget, record: Types.ObjectId): Promise<void> {
  const filter = target.access.filter('view', { _id: record, deletedAt: null });
  if (!filter || !(await recordModel(target.connection).exists(filter))) {
    throw notFound('Record');
  }
}

/**
 * Adds a comment to a record the caller may view. Every mention must name an active member of the
 * workspace (422 otherwise), so a comment cannot be used to probe for users elsewhere.
 */
export async function addComment(
  target: FormTarget,
  record: Types.ObjectId,
  text: unknown,
): Promise<CommentView> {
  if (typeof text !== 'string' || text.trim() === '' || text.length > 10_000) {
    throw appError('VALIDATION_FAILED', 'comment.invalid', [
      { path: '/text', message: t('detail.lengthBetween', { min: 1, max: 10_000 }) },
    ]);
  }
  await requireVisible(target, record);
  const ids = mentionedIds(text).map((id) => new Types.ObjectId(id));
  if (ids.length > 0) {
    const { Member } = workspaceModels(target.connection);
    const members = await Member.find(
      { ws: target.caller.ws, user: { $in: ids }, active: true },
      { user: 1 },
    ).lean();
    const known = new Set(members.map((m) => m.user.toHexString()));
    const unknown = ids.filter((id) => !known.has(id.toHexString()));
    if (unknown.length > 0) {
      throw appError(
        'UNPROCESSABLE',
        'comment.unknownMentions',
        unknown.map((id) => ({ path: '/text', message: t('detail.notMember', { id: id.toHexString() }) })),
      );
    }
  }
  const doc = await commentModel(target.connection).create({
    ws: target.caller.ws,
    form: target.form.id,
    record,
    author: target.caller.userId,
    text,
    mentions: ids,
    createdAt: new Date(),
  });
  // The people mentioned hear of it at once. The notice names the record, not what it holds: someone
  // mentioned on a record they may not view learns nothing of it (opening it answers 404).
  for (const user of ids) {
    if (user.equals(target.caller.userId)) continue;
    publishUserNotice(target.connection, {
      ws: target.caller.ws.toHexString(),
      user: user.toHexString(),
      event: 'comment:mentioned',
      payload: {
        ws: target.caller.ws.toHexString(),
        form: target.form.id.toHexString(),
        record: record.toHexString(),
        comment: doc._id.toHexString(),
        by: target.caller.userId.toHexString(),
      },
    });
  }
  return view(doc.toObject());
}

/** A comment that mentions the caller, as their list of mentions shows it. */
export interface MentionView {
  id: string;
  form: string;
  record: string;
  author: string;
  createdAt: string;
  /** The comment's text, only when the caller may view the record it is on. */
  text: string | null;
}

/**
 * The comments that mention the caller, newest first (at most 50). The text is given only for records
 * the caller may view now (the access layer decides, per form), so a mention never leaks a record.
 */
export async function listMentions(connection: Connection, caller: Caller): Promise<MentionView[]> {
  const docs = await commentModel(connection)
    .find({ ws: caller.ws, mentions: caller.userId })
    .sort({ createdAt: -1, _id: -1 })
    .limit(50)
    .lean<CommentDoc[]>();
  const targets = new Map<string, FormTarget | null>();
  const out: MentionView[] = [];
  for (const doc of docs) {
    const formKey = doc.form.toHexString();
    if (!targets.has(formKey)) {
      targets.set(formKey, await openForm(connection, caller, doc.form).catch(() => null));
    }
    const target = targets.get(formKey);
    const filter = target?.access.filter('view', { _id: doc.record, deletedAt: null });
    const visible = filter ? await recordModel(connection).exists(filter) : null;
    out.push({
      id: doc._id.toHexString(),
      form: formKey,
      record: doc.record.toHexString(),
      author: doc.author.toHexString(),
      createdAt: doc.createdAt.toISOString(),
      text: visible ? doc.text : null,
    });
  }
  return out;
}

/** The comments of a record the caller may view, oldest first. */
export async function listComments(target: FormTarget, record: Types.ObjectId): Promise<CommentView[]> {
  await requireVisible(target, record);
  const docs = await commentModel(target.connection)
    .find({ ws: target.caller.ws, record })
    .sort({ createdAt: 1, _id: 1 })
    .limit(1000)
    .lean();
  return docs.map(view);
}
