import { type Static, Type } from 'typebox';
import { Formula, Key, KeyRef, LocalizedText, OBJECT_ID_PATTERN, tagged } from '../common.js';
import { ui } from '../ui-hints.js';

/** Id of a flow node, unique within its flow; edges name nodes by it. */
export const NodeId = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_-]*$', maxLength: 64 });

/** A member field of the record in scope. */
const MemberField = KeyRef({ ref: 'field', of: 'scope', types: ['member'] });

/** Who a task goes to. Templates use roles, fields and the org chart; `member` (user ids) only in a workspace. */
export const Assignee = tagged('kind', [
  Type.Object({ kind: Type.Literal('role'), role: KeyRef({ ref: 'role' }) }, { additionalProperties: false }),
  /** The members held by a member field of the record. */
  Type.Object({ kind: Type.Literal('field'), field: MemberField }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('member'),
      members: Type.Array(Type.String({ pattern: OBJECT_ID_PATTERN, ...ui({ ref: 'member' }) }), {
        minItems: 1,
        maxItems: 100,
      }),
    },
    { additionalProperties: false },
  ),
  /** Head of the submitter's department, or of the department in `field`; `level` 2 = one level up. */
  Type.Object(
    {
      kind: Type.Literal('departmentHead'),
      field: Type.Optional(KeyRef({ ref: 'field', of: 'scope', types: ['department'] })),
      level: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    },
    { additionalProperties: false },
  ),
  /** Manager of the submitter, or of the member in `field`; `level` 2 = the manager's manager. */
  Type.Object(
    {
      kind: Type.Literal('manager'),
      field: Type.Optional(MemberField),
      level: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('submitter') }, { additionalProperties: false }),
]);

/** Static type of {@link Assignee}. */
export type Assignee = Static<typeof Assignee>;

const Assignees = Type.Array(Assignee, { minItems: 1, maxItems: 20 });

/** How a field shows at a step; fields not listed are read-only there. */
export const FieldAccess = Type.Object(
  { field: KeyRef({ ref: 'field', of: 'scope' }), access: Type.Enum(['hidden', 'readOnly', 'editable']) },
  { additionalProperties: false },
);

const base = { id: NodeId, name: Type.Optional(LocalizedText) };

/** How many must decide at an approval or fill step. */
const Mode = Type.Enum(['or', 'and', 'sequence']);

/** When no assignee resolves: skip the step or hand it to the app's admins. */
const WhenNoAssignee = Type.Optional(Type.Enum(['skip', 'admin']));

/**
 * A step's deadline, counted from when each task opens: reminders some minutes before it, and what happens
 * when it passes (`notify` the assignee again, `approve` or `reject` in their name, or `transfer` the task
 * to the first member `to` resolves to).
 */
export const FlowDeadline = Type.Object(
  {
    minutes: Type.Integer({ minimum: 1, maximum: 525_600 }),
    remindBefore: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 525_600 }), { maxItems: 5, uniqueItems: true }),
    ),
    onTimeout: Type.Optional(
      Type.Object(
        {
          action: Type.Enum(['notify', 'approve', 'reject', 'transfer']),
          /** The member a `transfer` goes to. */
          to: Type.Optional(Assignee),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Static type of {@link FlowDeadline}. */
export type FlowDeadline = Static<typeof FlowDeadline>;

/** A branch of a condition node; the first whose `condition` holds is taken, one without is the default. */
export const FlowBranch = Type.Object(
  { id: NodeId, name: Type.Optional(LocalizedText), condition: Type.Optional(Formula) },
  { additionalProperties: false },
);

/** A node of an approval flow, by `type`. */
export const FlowNode = tagged('type', [
  Type.Object({ ...base, type: Type.Literal('start') }, { additionalProperties: false }),
  Type.Object(
    {
      ...base,
      type: Type.Literal('approval'),
      assignees: Assignees,
      /**
       * `or`: the first decision wins (or-sign); `and`: every assignee must approve, one rejection rejects
       * (countersign); `sequence`: the assignees decide one after another, in order.
       */
      mode: Mode,
      fields: Type.Optional(Type.Array(FieldAccess, { maxItems: 500 })),
      /**
       * Where a rejection goes: end the flow as rejected (the default), back to the submitter for editing,
       * to the previous approval or fill step, or to the earlier step `rejectTo` names (`node`).
       */
      onReject: Type.Optional(Type.Enum(['submitter', 'previous', 'end', 'node'])),
      /** The earlier step a rejection returns to when `onReject` is `node`. */
      rejectTo: Type.Optional(NodeId),
      whenNoAssignee: WhenNoAssignee,
      deadline: Type.Optional(FlowDeadline),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...base,
      type: Type.Literal('fill'),
      assignees: Assignees,
      /** As for approvals; default `or` (one of the assignees fills in). */
      mode: Type.Optional(Mode),
      fields: Type.Array(FieldAccess, { minItems: 1, maxItems: 500 }),
      whenNoAssignee: WhenNoAssignee,
      deadline: Type.Optional(FlowDeadline),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...base,
      type: Type.Literal('condition'),
      branches: Type.Array(FlowBranch, { minItems: 2, maxItems: 20 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ ...base, type: Type.Literal('cc'), recipients: Assignees }, { additionalProperties: false }),
  /** Starts every outgoing edge at once; the matching join waits for all of them. */
  Type.Object({ ...base, type: Type.Literal('parallelSplit') }, { additionalProperties: false }),
  /** Waits until every branch of its split (the innermost one open on the way in) has arrived. */
  Type.Object({ ...base, type: Type.Literal('parallelJoin') }, { additionalProperties: false }),
  Type.Object(
    { ...base, type: Type.Literal('end'), outcome: Type.Optional(Type.Enum(['approved', 'rejected'])) },
    { additionalProperties: false },
  ),
]);

/** Static type of {@link FlowNode}. */
export type FlowNode = Static<typeof FlowNode>;

/** A transition; edges leaving a condition node name the branch they belong to. */
export const FlowEdge = Type.Object(
  { from: NodeId, to: NodeId, branch: Type.Optional(NodeId) },
  { additionalProperties: false },
);

/** An approval-flow definition attached to a form. */
export const Flow = Type.Object(
  {
    key: Key,
    name: LocalizedText,
    description: Type.Optional(LocalizedText),
    form: KeyRef({ ref: 'form' }),
    nodes: Type.Array(FlowNode, { minItems: 2, maxItems: 200 }),
    edges: Type.Array(FlowEdge, { minItems: 1, maxItems: 1000 }),
    settings: Type.Optional(
      Type.Object(
        {
          /** Approved records accept no further edits. */
          lockOnApproved: Type.Optional(Type.Boolean()),
          /** Fields that stay editable on a record locked by `lockOnApproved`. */
          openFields: Type.Optional(
            Type.Array(KeyRef({ ref: 'field', of: 'scope' }), { maxItems: 500, uniqueItems: true }),
          ),
          /** The submitter may withdraw while no one has acted yet. */
          allowWithdraw: Type.Optional(Type.Boolean()),
          /** Least time between two urges of one flow (default 10). */
          urgeIntervalMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Static type of {@link Flow}. */
export type Flow = Static<typeof Flow>;
