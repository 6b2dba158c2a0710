import type { Flow, FormRef } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import { compileFlow, FlowDefinitionError } from '../program.js';
import { validateFlow } from '../validate.js';

const form = {
  key: 'requests',
  name: { en: 'Requests' },
  fields: [
    { key: 'amount', type: 'number', label: { en: 'Amount' } },
    { key: 'owner', type: 'member', label: { en: 'Owner' } },
    { key: 'note', type: 'text', label: { en: 'Note' } },
  ],
} as unknown as FormRef;
const scope = {
  forms: [form],
  roles: ['boss'],
  fields: { amount: 'number', owner: 'member', note: 'text' },
} as const;

const base: Flow = {
  key: 'approve',
  name: { en: 'Approve' },
  form: 'requests',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'check', type: 'condition', branches: [{ id: 'big', condition: 'amount > 10' }, { id: 'small' }] },
    { id: 'boss', type: 'approval', mode: 'and', assignees: [{ kind: 'role', role: 'boss' }] },
    { id: 'split', type: 'parallelSplit' },
    { id: 'a', type: 'approval', mode: 'or', assignees: [{ kind: 'manager', field: 'owner' }] },
    {
      id: 'b',
      type: 'fill',
      assignees: [{ kind: 'submitter' }],
      fields: [{ field: 'note', access: 'editable' }],
    },
    { id: 'join', type: 'parallelJoin' },
    { id: 'copy', type: 'cc', recipients: [{ kind: 'departmentHead' }] },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { from: 'start', to: 'check' },
    { from: 'check', to: 'boss', branch: 'big' },
    { from: 'check', to: 'split', branch: 'small' },
    { from: 'boss', to: 'split' },
    { from: 'split', to: 'a' },
    { from: 'split', to: 'b' },
    { from: 'a', to: 'join' },
    { from: 'b', to: 'join' },
    { from: 'join', to: 'copy' },
    { from: 'copy', to: 'end' },
  ],
};

type Patch = (f: Flow) => void;
const variant = (patch: Patch): Flow => {
  const copy = JSON.parse(JSON.stringify(base)) as Flow;
  patch(copy);
  return copy;
};
const found = (flow: Flow) => validateFlow(flow, scope).map((i) => [i.code, i.node]);

describe('validateFlow', () => {
  it('accepts a flow with every node type, and it compiles', () => {
    expect(validateFlow(base, scope)).toEqual([]);
    expect(compileFlow(base).graph.joinOf.get('split')).toBe('join');
  });

  it('reports a node no path reaches', () => {
    const flow = variant((f) => {
      f.nodes.push({ id: 'lost', type: 'approval', mode: 'or', assignees: [{ kind: 'submitter' }] });
      f.edges.push({ from: 'lost', to: 'end' });
    });
    expect(found(flow)).toEqual([['flow.unreachable', 'lost']]);
  });

  it('reports a dead end with its node', () => {
    const flow = variant((f) => {
      f.edges = f.edges.filter((e) => e.from !== 'copy');
    });
    expect(found(flow)).toEqual([['flow.deadEnd', 'copy']]);
  });

  it('reports a condition without a default branch, or with two', () => {
    const none = variant((f) => {
      const check = f.nodes[1] as Extract<Flow['nodes'][number], { type: 'condition' }>;
      check.branches[1] = { id: 'small', condition: 'amount <= 10' };
    });
    expect(found(none)).toEqual([['flow.noDefault', 'check']]);
    const two = variant((f) => {
      const check = f.nodes[1] as Extract<Flow['nodes'][number], { type: 'condition' }>;
      check.branches[0] = { id: 'big' };
    });
    expect(found(two)).toEqual([['flow.noDefault', 'check']]);
  });

  it('reports unknown roles and fields at their node', () => {
    const flow = variant((f) => {
      f.nodes[2] = { id: 'boss', type: 'approval', mode: 'or', assignees: [{ kind: 'role', role: 'ghost' }] };
      f.nodes[5] = {
        id: 'b',
        type: 'fill',
        assignees: [{ kind: 'submitter' }],
        fields: [{ field: 'nope', access: 'editable' }],
      };
    });
    expect(found(flow)).toEqual([
      ['ref.role', 'boss'],
      ['ref.field', 'b'],
    ]);
  });

  it('reports a join without its split', () => {
    const flow = variant((f) => {
      f.nodes.splice(
        f.nodes.findIndex((n) => n.id === 'split'),
        1,
        {
          id: 'split',
          type: 'approval',
          mode: 'or',
          assignees: [{ kind: 'submitter' }],
        },
      );
      f.edges = f.edges.filter((e) => !(e.from === 'split' && e.to === 'b'));
      f.edges.push({ from: 'b', to: 'a' });
      f.edges = f.edges.filter((e) => !(e.from === 'b' && e.to === 'join'));
      f.edges.push({ from: 'check', to: 'b', branch: 'x' });
    });
    expect(found(flow).filter(([code]) => code === 'flow.join')).toEqual([['flow.join', 'join']]);
  });

  it('reports split branches that leave without meeting at the join', () => {
    const flow = variant((f) => {
      f.edges = f.edges.map((e) => (e.from === 'b' ? { from: 'b', to: 'copy' } : e));
    });
    expect(found(flow)).toEqual([['flow.split', 'split']]);
  });

  it('reports cycles, wrong edge counts and bad reject targets', () => {
    const cycle = variant((f) => {
      f.edges.push({ from: 'copy', to: 'check' });
    });
    expect(found(cycle)).toContainEqual(['flow.edges', 'copy']);
    expect(found(cycle).some(([code]) => code === 'flow.cycle')).toBe(true);
    const reject = variant((f) => {
      f.nodes[2] = {
        id: 'boss',
        type: 'approval',
        mode: 'or',
        assignees: [{ kind: 'submitter' }],
        onReject: 'node',
        rejectTo: 'a',
      };
    });
    expect(found(reject)).toEqual([['flow.rejectTo', 'boss']]);
    const unknown = variant((f) => {
      f.nodes[4] = {
        id: 'a',
        type: 'approval',
        mode: 'or',
        assignees: [{ kind: 'submitter' }],
        rejectTo: 'zz',
      };
    });
    expect(found(unknown)).toEqual([['ref.node', 'a']]);
  });

  it('type-checks branch conditions against the form’s fields', () => {
    const flow = variant((f) => {
      const check = f.nodes[1] as Extract<Flow['nodes'][number], { type: 'condition' }>;
      check.branches[0] = { id: 'big', condition: 'note + 1' };
    });
    expect(validateFlow(flow, scope).map((i) => [i.code, i.node, i.params.error])).toEqual([
      ['flow.condition', 'check', 'TYPE_MISMATCH'],
    ]);
  });

  it('stops at schema errors, naming the node', () => {
    const flow = variant((f) => {
      (f.nodes[2] as { mode: string }).mode = 'sometimes';
    });
    expect(found(flow)).toEqual([['schema.enum', 'boss']]);
  });

  it('compileFlow refuses a definition its graph checks refuse', () => {
    const flow = variant((f) => {
      f.edges = f.edges.map((e) => (e.from === 'b' ? { from: 'b', to: 'copy' } : e));
    });
    expect(() => compileFlow(flow)).toThrow(FlowDefinitionError);
  });
});
