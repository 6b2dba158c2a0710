import { FlowNode } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { vocabularyOf } from '../automations/vocabulary';
import type { KnownForm } from '../designer/editor-context';
import type { Schema } from '../designer/schema-shapes';
import { checkFlow } from './flow-checks';
import {
  connect,
  disconnect,
  type FlowJson,
  layout,
  NODE_TYPES,
  newFlow,
  newNode,
  placeServerDetails,
  removeNode,
  updateNode,
} from './flow-model';

const label = (text: string) => ({ en: text, 'zh-CN': text });
const forms: KnownForm[] = [
  {
    key: 'requests',
    name: label('Requests'),
    fields: [
      { key: 'amount', type: 'number', label: label('Amount') },
      { key: 'owner', type: 'member', label: label('Owner') },
    ],
  },
];

/** start → condition (big: amount > 1000 → countersign; otherwise → end) → end. */
function branched(): FlowJson {
  let flow = newFlow('requests', label('Requests approval'));
  flow = removeNode(flow, 'approval1');
  const condition = { ...newNode('condition', flow), id: 'size' };
  condition.branches = [{ id: 'big', condition: 'amount > 1000' }, { id: 'otherwise' }];
  flow = { ...flow, nodes: [...flow.nodes, condition] };
  const sign = { ...newNode('approval', flow), mode: 'and', assignees: [{ kind: 'submitter' }] };
  flow = { ...flow, nodes: [...flow.nodes, sign] };
  flow = connect(flow, 'start', 'size');
  flow = connect(flow, 'size', sign.id, 'big');
  flow = connect(flow, 'size', 'end', 'otherwise');
  return connect(flow, sign.id, 'end');
}

describe('flow model', () => {
  it('a new flow and the branched flow pass the engine’s publish checks', () => {
    expect(checkFlow(newFlow('requests', label('R')), forms, [], 'en')).toEqual([]);
    expect(checkFlow(branched(), forms, [], 'en')).toEqual([]);
  });

  it('re-points the one way out of a step and a branch instead of adding a second edge', () => {
    let flow = branched();
    flow = connect(flow, 'start', 'approval1');
    expect(flow.edges.filter((e) => e.from === 'start')).toEqual([{ from: 'start', to: 'approval1' }]);
    flow = connect(flow, 'size', 'end', 'big');
    expect(flow.edges.filter((e) => e.from === 'size')).toEqual([
      { from: 'size', to: 'end', branch: 'otherwise' },
      { from: 'size', to: 'end', branch: 'big' },
    ]);
    // Self edges, edges out of an end and unknown branches change nothing.
    expect(connect(flow, 'size', 'size', 'big')).toBe(flow);
    expect(connect(flow, 'end', 'start')).toBe(flow);
    expect(connect(flow, 'size', 'end', 'nope')).toBe(flow);
  });

  it('places problems at their nodes, locally and from the server’s details', () => {
    const flow = disconnect(branched(), (e) => e.from === 'approval1');
    const problems = checkFlow(flow, forms, [], 'en');
    expect(problems.map((p) => p.node)).toContain('approval1');
    const typo = branched();
    const size = typo.nodes.find((n) => n.id === 'size');
    const broken = updateNode(typo, 'size', {
      ...(size as FlowJson['nodes'][number]),
      branches: [{ id: 'big', condition: 'amont > 1000' }, { id: 'otherwise' }],
    });
    expect(checkFlow(broken, forms, [], 'en')).toEqual([
      expect.objectContaining({ node: 'size', path: '/nodes/2/branches/0/condition' }),
    ]);
    expect(
      placeServerDetails(
        [
          { path: '/nodes/3/assignees/0/role', message: 'unknown role', node: 'approval1' },
          { path: '/definition/edges/0', message: 'x' },
          { path: '/key', message: 'taken' },
        ],
        branched(),
      ).map((p) => p.node),
    ).toEqual(['approval1', 'start', null]);
  });

  it('removing a branch removes its edge; removing a node removes its edges', () => {
    const flow = branched();
    const size = flow.nodes.find((n) => n.id === 'size') as FlowJson['nodes'][number];
    const one = updateNode(flow, 'size', { ...size, branches: [{ id: 'otherwise' }] });
    expect(one.edges.filter((e) => e.from === 'size')).toEqual([
      { from: 'size', to: 'end', branch: 'otherwise' },
    ]);
    expect(removeNode(flow, 'size').edges).toEqual([{ from: 'approval1', to: 'end' }]);
  });

  it('lays the flow out top to bottom', () => {
    const p = layout(branched());
    expect(p.start?.y).toBeLessThan(p.size?.y as number);
    expect(p.size?.y).toBeLessThan(p.approval1?.y as number);
    expect(p.approval1?.y).toBeLessThan(p.end?.y as number);
  });

  it('every node type and setting has its words in en and zh-CN', () => {
    const { props, values } = vocabularyOf([FlowNode as unknown as Schema]);
    const shown = new Set([
      'type',
      'id',
      'name',
      'en',
      'zh-CN',
      'branches',
      'condition',
      'fields',
      'access',
      'kind',
    ]);
    for (const words of [en.flows, zhCN.flows]) {
      const missing = [
        ...[...props].filter((p) => !shown.has(p) && !(p in words.props)).map((p) => `props.${p}`),
        ...[...values]
          .filter((v) => !NODE_TYPES.includes(v as never) && !(v in words.enum))
          .map((v) => `enum.${v}`),
        ...NODE_TYPES.filter((type) => !(type in words.types)).map((type) => `types.${type}`),
      ];
      expect(missing).toEqual([]);
    }
  });
});
