import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../../api/endpoints';
import { useDepartments } from './directory';
import { idsOf } from './people-widgets';
import type { InputProps } from './types';

interface TreeNode {
  value: string;
  title: string;
  children: TreeNode[];
}

function toTree(nodes: readonly Department[]): TreeNode[] {
  return nodes.map((node) => ({ value: node.id, title: node.name, children: toTree(node.children) }));
}

/** A department picker: the workspace's department tree, searchable. */
export function DepartmentInput({
  field,
  value,
  onChange,
  id,
  disabled,
  invalid,
  ctx,
  ariaLabel,
}: InputProps) {
  const { t } = useTranslation();
  const departments = useDepartments(ctx.workspaceId);
  const tree = useMemo(() => toTree(departments?.tree ?? []), [departments]);
  const multiple = field.multiple === true;
  return (
    <TreeSelect
      id={id}
      treeData={tree}
      multiple={multiple}
      treeDefaultExpandAll
      value={multiple ? idsOf(value) : (idsOf(value)[0] ?? undefined)}
      onChange={(next: unknown) => onChange(Array.isArray(next) && next.length === 0 ? null : (next ?? null))}
      showSearch
      treeNodeFilterProp="title"
      allowClear
      loading={!departments}
      disabled={disabled}
      status={invalid ? 'error' : ''}
      placeholder={t('fields.pickDepartment')}
      style={{ width: '100%' }}
      aria-label={ariaLabel}
    />
  );
}
