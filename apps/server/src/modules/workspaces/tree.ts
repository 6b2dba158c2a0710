/** A department as the tree helpers see it: ids as strings. */
export interface DepartmentNode {
  id: string;
  name: string;
  parent: string | null;
  head: string | null;
}

/** A department with its sub-departments, as `GET /departments` answers. */
export interface DepartmentTree extends DepartmentNode {
  children: DepartmentTree[];
}

/**
 * Builds the forest of departments, children sorted by name. A department whose parent is missing (or
 * that sits on a cycle, which the service never writes) is shown at the top rather than lost.
 */
export function buildTree(nodes: readonly DepartmentNode[]): DepartmentTree[] {
  const byId = new Map<string, DepartmentTree>(nodes.map((node) => [node.id, { ...node, children: [] }]));
  const roots: DepartmentTree[] = [];
  const placed = new Set<string>();
  for (const node of byId.values()) {
    const parent = node.parent === null ? undefined : byId.get(node.parent);
    if (parent && !isAncestor(nodes, node.id, node.parent ?? '')) {
      parent.children.push(node);
    } else {
      roots.push(node);
    }
    placed.add(node.id);
  }
  const sort = (list: DepartmentTree[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    for (const item of list) sort(item.children);
  };
  sort(roots);
  return roots;
}

/** True when `ancestor` is `id` itself or lies above it (following parents, cycle-safe). */
export function isAncestor(nodes: readonly DepartmentNode[], ancestor: string, id: string): boolean {
  const parents = new Map(nodes.map((node) => [node.id, node.parent]));
  const seen = new Set<string>();
  let current: string | null | undefined = id;
  while (current && !seen.has(current)) {
    if (current === ancestor) return true;
    seen.add(current);
    current = parents.get(current);
  }
  return false;
}

/** `id` and every department below it. */
export function descendantsOf(nodes: readonly DepartmentNode[], id: string): string[] {
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.parent === null) continue;
    const list = children.get(node.parent) ?? [];
    list.push(node.id);
    children.set(node.parent, list);
  }
  const result: string[] = [];
  const queue = [id];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    result.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return result;
}

/** True when moving `id` under `newParent` would put a department below itself. */
export function wouldCycle(nodes: readonly DepartmentNode[], id: string, newParent: string | null): boolean {
  return newParent !== null && isAncestor(nodes, id, newParent);
}
