import { UserOutlined } from '@ant-design/icons';
import { Avatar, Flex, Select, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { recordsApi } from '../../../api/records';
import { useOffered } from './choice-widgets';
import { useMembers } from './directory';
import { collator } from './format';
import { idsOf } from './people-widgets';
import { RecordTitle } from './relation-widgets';
import { relatedForm, rememberTitles, titleFieldOf } from './relations';
import type { InputProps } from './types';

/*
 * The inputs built on antd's Select (choices, members, related records), one chunk loaded when a form
 * first shows such a field: a form without them does not download the select and its virtual list.
 */

export function SelectInput(props: InputProps) {
  const { t } = useTranslation();
  const { field, value, onChange, id, disabled, invalid, ariaLabel } = props;
  const options = useOffered(field, props);
  const multiple = field.type === 'multiselect';
  const parentKey = typeof field.dependsOn === 'string' ? field.dependsOn : undefined;
  const waiting =
    parentKey !== undefined && (props.scope[parentKey] === undefined || props.scope[parentKey] === null);
  return (
    <Select
      id={id}
      {...(multiple ? { mode: 'multiple' as const } : {})}
      value={multiple ? (Array.isArray(value) ? value : []) : (value ?? undefined)}
      onChange={(next: unknown) => onChange(Array.isArray(next) && next.length === 0 ? null : (next ?? null))}
      options={options}
      disabled={disabled}
      status={invalid ? 'error' : ''}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={waiting ? t('fields.pickParentFirst') : t('fields.choose')}
      style={{ width: '100%' }}
      aria-label={ariaLabel}
    />
  );
}

export function MemberInput({ field, value, onChange, id, disabled, invalid, ctx, ariaLabel }: InputProps) {
  const { t } = useTranslation();
  const members = useMembers(ctx.workspaceId);
  const options = useMemo(() => {
    const compare = collator(ctx.language);
    return [...(members?.values() ?? [])]
      .filter((m) => m.active || idsOf(value).includes(m.userId))
      .sort((a, b) => compare.compare(a.name, b.name))
      .map((m) => ({
        value: m.userId,
        label: m.name,
        search: `${m.name} ${m.email}`,
        title: m.email,
      }));
  }, [members, ctx.language, value]);
  const multiple = field.multiple === true;
  return (
    <Select
      id={id}
      {...(multiple ? { mode: 'multiple' as const } : {})}
      loading={!members}
      value={multiple ? idsOf(value) : (idsOf(value)[0] ?? undefined)}
      onChange={(next: unknown) => onChange(Array.isArray(next) && next.length === 0 ? null : (next ?? null))}
      options={options}
      optionRender={(option) => (
        <Flex gap={8} align="center">
          <Avatar size="small" icon={<UserOutlined />} />
          <span>{option.label}</span>
          <span style={{ color: '#94a3b8', fontSize: 12 }}>{option.data.title}</span>
        </Flex>
      )}
      showSearch={{ optionFilterProp: 'search' }}
      allowClear
      disabled={disabled}
      status={invalid ? 'error' : ''}
      placeholder={t('fields.pickMember')}
      style={{ width: '100%' }}
      aria-label={ariaLabel}
    />
  );
}

export function RelationInput({ field, value, onChange, id, disabled, invalid, ctx, ariaLabel }: InputProps) {
  const { t } = useTranslation();
  const form = relatedForm(field, ctx);
  const display = titleFieldOf(form, field.displayField);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Array<{ value: string; label: string }> | null>(null);
  const [searching, setSearching] = useState(false);
  const latest = useRef(0);
  useEffect(() => {
    if (!form || !display) return;
    const call = ++latest.current;
    setSearching(true);
    const timer = setTimeout(() => {
      recordsApi
        .list(ctx.workspaceId, form.id, { q: query, limit: 20, fields: [display] })
        .then((page) => {
          if (call !== latest.current) return;
          rememberTitles(form, display, page.items);
          setFound(page.items.map((r) => ({ value: r.id, label: String(r.data[display] ?? r.id) })));
        })
        .catch(() => {
          if (call === latest.current) setFound([]);
        })
        .finally(() => {
          if (call === latest.current) setSearching(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [query, form, display, ctx.workspaceId]);

  const multiple = field.multiple === true;
  const selected = idsOf(value);
  const options = useMemo(() => {
    const list = [...(found ?? [])];
    // Chosen records stay listed (by id; their titles come from the shared cache) while searching.
    for (const chosen of selected)
      if (!list.some((o) => o.value === chosen)) list.push({ value: chosen, label: chosen });
    return list;
  }, [found, selected]);
  return (
    <Select
      id={id}
      {...(multiple ? { mode: 'multiple' as const } : {})}
      value={multiple ? selected : (selected[0] ?? undefined)}
      onChange={(next: unknown) => onChange(Array.isArray(next) && next.length === 0 ? null : (next ?? null))}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      options={options}
      labelRender={(item) => <RecordTitle field={field} ctx={ctx} id={String(item.value)} />}
      notFoundContent={searching ? <Spin size="small" /> : t('fields.noRecordsFound')}
      allowClear
      disabled={disabled || !form}
      status={invalid ? 'error' : ''}
      placeholder={t('fields.searchRecords')}
      style={{ width: '100%' }}
      aria-label={ariaLabel}
      onOpenChange={(open) => {
        if (open && found === null) setQuery('');
      }}
    />
  );
}
