import { describe, expect, it } from 'vitest';
import { buildTree, type DepartmentNode, descendantsOf, isAncestor, wouldCycle } from './tree.js';

const nodes: DepartmentNode[] = [
  { id: 'root', name: 'Company', parent: null, head: 'u1' },
  { id: 'sales', name: 'Sales', parent: 'root', head: null },
  { id: 'east', name: 'East', parent: 'sales', head: null },
  { id: 'west', name: 'West', parent: 'sales', head: null },
  { id: 'hr', name: 'HR', parent: 'root', head: null },
  { id: 'orphan', name: 'Orphan', parent: 'gone', head: null },
];

describe('department tree', () => {
  it('nests children under parents, sorted by name', () => {
    const tree = buildTree(nodes);
    expect(tree.map((n) => n.id)).toEqual(['root', 'orphan']);
    const root = tree[0];
    expect(root?.children.map((n) => n.id)).toEqual(['hr', 'sales']);
    expect(root?.children[1]?.children.map((n) => n.id)).toEqual(['east', 'west']);
  });

  it('finds ancestors and descendants', () => {
    expect(isAncestor(nodes, 'root', 'east')).toBe(true);
    expect(isAncestor(nodes, 'east', 'root')).toBe(false);
    expect(isAncestor(nodes, 'east', 'east')).toBe(true);
    expect(descendantsOf(nodes, 'sales').sort()).toEqual(['east', 'sales', 'west']);
    expect(descendantsOf(nodes, 'hr')).toEqual(['hr']);
  });

  it('refuses moves that create cycles', () => {
    expect(wouldCycle(nodes, 'sales', 'east')).toBe(true);
    expect(wouldCycle(nodes, 'sales', 'sales')).toBe(true);
    expect(wouldCycle(nodes, 'east', 'hr')).toBe(false);
    expect(wouldCycle(nodes, 'root', null)).toBe(false);
  });

  it('survives a cycle already in the data', () => {
    const cyclic: DepartmentNode[] = [
      { id: 'a', name: 'A', parent: 'b', head: null },
      { id: 'b', name: 'B', parent: 'a', head: null },
    ];
    expect(descendantsOf(cyclic, 'a').sort()).toEqual(['a', 'b']);
    const tree = buildTree(cyclic);
    const count = (list: ReturnType<typeof buildTree>): number =>
      list.reduce((sum, n) => sum + 1 + count(n.children), 0);
    expect(count(tree)).toBe(2);
  });
});
