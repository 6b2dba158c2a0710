import {
  AuditOutlined,
  BranchesOutlined,
  ForkOutlined,
  FormOutlined,
  MergeOutlined,
  PlayCircleOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { textOf, useLanguage } from '../designer/type-labels';
import type { NodeJson, NodeType } from './flow-model';

/** The icon of each node type (palette and canvas). */
export const NODE_ICONS: Record<NodeType, ComponentType<{ style?: object; 'aria-hidden'?: 'true' }>> = {
  start: PlayCircleOutlined,
  condition: BranchesOutlined,
  approval: AuditOutlined,
  fill: FormOutlined,
  cc: SendOutlined,
  parallelSplit: ForkOutlined,
  parallelJoin: MergeOutlined,
  end: StopOutlined,
};

interface AssigneeJson {
  kind?: string;
  role?: string;
  field?: string;
  members?: string[];
  level?: number;
}

/** A line saying who a node goes to and how, as the canvas shows it under the node's name. */
export function useNodeSummary(node: NodeJson): string {
  const { t } = useTranslation();
  const who = (list: unknown) =>
    (Array.isArray(list) ? (list as AssigneeJson[]) : [])
      .map((a) =>
        t(`flows.assignee.${a.kind ?? 'unknown'}`, {
          role: a.role ?? '',
          field: a.field ?? '',
          count: a.members?.length ?? 0,
          level: a.level ?? 1,
          defaultValue: a.kind ?? '',
        }),
      )
      .join(', ');
  switch (node.type) {
    case 'approval':
    case 'fill':
      return `${t(`flows.mode.${(node.mode as string | undefined) ?? 'or'}`)} · ${who(node.assignees)}`;
    case 'cc':
      return who(node.recipients);
    case 'condition':
      return t('flows.branchCount', { count: node.branches?.length ?? 0 });
    case 'end':
      return t(`flows.outcome.${(node.outcome as string | undefined) ?? 'approved'}`);
    default:
      return t(`flows.typeHint.${node.type}`);
  }
}

/** Names nodes in pickers: "Manager approval (approval1)". */
export function useNodeName(): (n: NodeJson) => string {
  const { t } = useTranslation();
  const language = useLanguage();
  return (n) => `${textOf(n.name, language) || t(`flows.types.${n.type}`)} (${n.id})`;
}
