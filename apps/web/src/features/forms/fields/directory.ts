import { api, type Department, type Member } from '../../../api/endpoints';
import { useShared } from '../../../api/shared-cache';

/** A workspace's members by user id, loaded once for every member field and name on screen. */
export function useMembers(workspaceId: string): Map<string, Member> | undefined {
  const { value } = useShared(`members:${workspaceId}`, async () => {
    const list = await api.members(workspaceId);
    return new Map(list.map((m) => [m.userId, m]));
  });
  return value;
}

/** A department with its path of names from the top ("Sales / East"). */
export interface DepartmentEntry extends Department {
  path: string;
}

function flatten(tree: readonly Department[], into: Map<string, DepartmentEntry>, prefix = ''): void {
  for (const node of tree) {
    const path = prefix ? `${prefix} / ${node.name}` : node.name;
    into.set(node.id, { ...node, path });
    flatten(node.children, into, path);
  }
}

/** The workspace's department tree, and every department by id. */
export function useDepartments(
  workspaceId: string,
): { tree: Department[]; byId: Map<string, DepartmentEntry> } | undefined {
  const { value } = useShared(`departments:${workspaceId}`, async () => {
    const tree = await api.departments(workspaceId);
    const byId = new Map<string, DepartmentEntry>();
    flatten(tree, byId);
    return { tree, byId };
  });
  return value;
}
