import { UserOutlined } from '@ant-design/icons';
import { Avatar, Flex, Select, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { recordsApi } from '../../../api/records';
import { useCacheChanges } from '../../../api/shared-cache';
import { useOffered } from './choice-widgets';
import { useMembers } from './directory';
import { collator } from './format';
import { idsOf } from './people-widgets';
import { RecordTitle } from './relation-widgets';
import { loadedRecordName, recordName, relatedForm, rememberTitles, titleFieldOf } from './relations';
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
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const form = relatedForm(field, ctx);
  const display = titleFieldOf(form, field.displayField) ?? '';
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Array<{ value: string; label: string }> | null>(null);
  const [searching, setSearching] = useState(false);
  const latest = useRef(0);
  // The chosen records' names arrive in the shared cache: show them when they do.
  useCacheChanges();
  useEffect(() => {
    if (!form) return;
    const call = ++latest.current;
    setSearching(true);
    const timer = setTimeout(() => {
      recordsApi
        // A form without a title field is searched by nothing (`q` finds none): its newest records are
        // listed by their form's name and creation time.
        .list(ctx.workspaceId, form.id, { q: query, limit: 20, ...(display ? { fields: [display] } : {}) })
        .then((page) => {
          if (call !== latest.current) return;
          rememberTitles(form, display, page.items);
          setFound(page.items.map((r) => ({ value: r.id, label: recordName(r, form, language, display) })));
        })
        .catch(() => {
          if (call === latest.current) setFound([]);
        })
        .finally(() => {
          if (call === latest.current) setSearching(false);
        });
    }, 250);
    return () => clearTimeout(timer);
  }, [query, form, display, language, ctx.workspaceId]);

  const multiple = field.multiple === true;
  const selected = idsOf(value);
  // Chosen records stay listed while searching, named from the shared cache (not memoized: the names
  // arrive there after the ids).
  const options = [...(found ?? [])];
  for (const chosen of selected)
    if (!options.some((o) => o.value === chosen))
      options.push({ value: chosen, label: loadedRecordName(field, ctx, chosen, language) ?? '…' });
  return (
    <Select
      id={id}
      {...(multiple ? { mode: 'multiple' as const } : {})}
      value={multiple ? selected : (selected[0] ?? undefined)}
      onChange={(next: unknown) => onChange(Array.isArray(next) && next.length === 0 ? null : (next ?? null))}
      showSearch={{ filterOption: false, onSearch: setQuery }}
      options={options}
      // A name as text (once loaded) is also what the select announces to screen readers; an element
      // would make it announce the record's id.
      labelRender={(item) => {
        const name = loadedRecordName(field, ctx, String(item.value), language);
        if (name === null) return t('fields.unavailableRecord');
        return name ?? <RecordTitle field={field} ctx={ctx} id={String(item.value)} />;
      }}
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
