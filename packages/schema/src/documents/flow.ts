import { type Static, Type } from 'typebox';
import { Formula, Key, LocalizedText, ObjectIdString, tagged } from '../common.js';

/** Id of a flow node, unique within its flow; edges name nodes by it. */
export const NodeId = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_-]*$', maxLength: 64 });

/** Who a task goes to. Templates use roles, fields and the org chart; `member` (user ids) only in a workspace. */
export const Assignee = tagged('kind', [
  Type.Object({ kind: Type.Literal('role'), role: Key }, { additionalProperties: false }),
  /** The members held by a member field of the record. */
  Type.Object({ kind: Type.Literal('field'), field: Key }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('member'), members: Type.Array(ObjectIdString, { minItems: 1, maxItems: 100 }) },
    { additionalProperties: false },
  ),
  /** Head of the submitter's department, or of the department in `field`; `level` 2 = one level up. */
  Type.Object(
    {
      kind: Type.Literal('departmentHead'),
      field: Type.Optional(Key),
      level: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    },
    { additionalProperties: false },
  ),
  /** Manager of the submitter, or of the member in `field`; `level` 2 = the manager's manager. */
  Type.Object(
    {
      kind: Type.Literal('manager'),
      field: Type.Optional(Key),
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
  { field: Key, access: Type.Enum(['hidden', 'readOnly', 'editable']) },
  { additionalProperties: false },
);

const base = { id: NodeId, name: Type.Optional(LocalizedText) };

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
      /** `or`: the first approver decides (or-sign); `and`: every assignee must approve (countersign). */
      mode: Type.Enum(['or', 'and']),
      fields: Type.Optional(Type.Array(FieldAccess, { maxItems: 500 })),
      /** Where a rejection goes: back to the submitter for editing, to the previous step, or end the flow. */
      onReject: Type.Optional(Type.Enum(['submitter', 'previous', 'end'])),
      /** When no assignee resolves: skip the step or hand it to the app's admins. */
      whenNoAssignee: Type.Optional(Type.Enum(['skip', 'admin'])),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...base,
      type: Type.Literal('fill'),
      assignees: Assignees,
      fields: Type.Array(FieldAccess, { minItems: 1, maxItems: 500 }),
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
    form: Key,
    nodes: Type.Array(FlowNode, { minItems: 2, maxItems: 200 }),
    edges: Type.Array(FlowEdge, { minItems: 1, maxItems: 1000 }),
    settings: Type.Optional(
      Type.Object(
        {
          /** Approved records accept no further edits. */
          lockOnApproved: Type.Optional(Type.Boolean()),
          /** The submitter may withdraw while no one has acted yet. */
          allowWithdraw: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Static type of {@link Flow}. */
export type Flow = Static<typeof Flow>;
