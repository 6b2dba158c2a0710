import { explain, type FieldTypeMap, formatFormulaError, isFormulaError, typeCheck } from '@formloom/formula';
import { Alert, Flex, Input, InputNumber, Switch, Table, Tag, Typography, theme } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { type KeyboardEvent, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { accept, type Suggestion, sampleFor, scopeFrom, suggest, wordAt } from './formula-suggest';
import { useLanguage } from './type-labels';

/** How the formula's field sits among the form's other formulas. */
export interface FormulaDependencies {
  /** Computed fields reading this one. */
  readBy: string[];
  /** A cycle through this field, refused before publish (`a → b → a`). */
  cycle?: string;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A sample value editor per kind: numbers, switches, or text (lists as comma-separated values). */
function SampleInput({
  kind,
  value,
  onChange,
  label,
}: {
  kind: string;
  value: unknown;
  onChange: (v: unknown) => void;
  label: string;
}) {
  const numeric = /^(number|money|percent)/.test(kind);
  if (kind === 'boolean')
    return <Switch aria-label={label} checked={value === true} onChange={onChange} size="small" />;
  if (kind.endsWith('[]')) {
    return (
      <Input
        size="small"
        aria-label={label}
        value={Array.isArray(value) ? value.join(', ') : ''}
        onChange={(e) => {
          const parts = e.target.value
            .split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '');
          onChange(numeric ? parts.map(Number).filter((n) => Number.isFinite(n)) : parts);
        }}
      />
    );
  }
  if (numeric)
    return (
      <InputNumber
        size="small"
        aria-label={label}
        value={value as number}
        onChange={(v) => onChange(v ?? null)}
      />
    );
  return (
    <Input
      size="small"
      aria-label={label}
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/**
 * The one compact editor shown unfolded: the last one focused. It folds when another one unfolds, never on
 * blur, so a click elsewhere (an add button below) is not moved away under the pointer by the fold.
 */
const unfoldedEditor = (() => {
  let current: string | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set(id: string) {
      if (current === id) return;
      current = id;
      for (const l of listeners) l();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
})();

/**
 * The formula editor: function and field autocomplete from the formula registry (signature, description,
 * example), field chips, the error at its character, a live result over sample values with the explain
 * trace, and the dependencies of the field (what reads it, cycles).
 */
export function FormulaEditor({
  value,
  onChange,
  fields,
  labels,
  label,
  dependencies,
  testId,
  compact = false,
}: {
  value: string;
  onChange: (value: string) => void;
  fields: FieldTypeMap;
  labels: ReadonlyMap<string, string>;
  label: string;
  dependencies?: FormulaDependencies;
  testId?: string;
  /**
   * Field chips, samples and the explain trace only in the editor focused last (pages listing many formulas,
   * like the automation editor); the error and the result stay in view.
   */
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { token } = theme.useToken();
  const listId = useId();
  const input = useRef<TextAreaRef>(null);
  const [caret, setCaret] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [samples, setSamples] = useState<Record<string, unknown>>({});
  const unfolded = useSyncExternalStore(unfoldedEditor.subscribe, unfoldedEditor.get);
  const full = !compact || unfolded === listId;

  const { start, word } = wordAt(value, caret);
  const suggestions = useMemo(
    () => (open ? suggest(word, fields, labels) : []),
    [open, word, fields, labels],
  );
  const checked = useMemo(
    () => (value.trim() === '' ? undefined : typeCheck(value, fields)),
    [value, fields],
  );
  const refs = checked?.ok ? checked.refs : [];
  const sampleValues = Object.fromEntries(
    refs.map((r) => [r, r in samples ? samples[r] : sampleFor(String(fields[r] ?? 'any'))]),
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: samples change with sampleValues' content.
  const result = useMemo(() => {
    if (!checked?.ok) return undefined;
    try {
      return {
        ok: true as const,
        ...explain(value, scopeFrom(sampleValues, fields), { fieldTypes: fields }),
      };
    } catch (error) {
      if (isFormulaError(error)) return { ok: false as const, message: formatFormulaError(error, language) };
      throw error;
    }
  }, [checked, value, fields, JSON.stringify(sampleValues), language]);

  const place = (next: { text: string; caret: number }) => {
    onChange(next.text);
    setCaret(next.caret);
    requestAnimationFrame(() => {
      const el = input.current?.resizableTextArea?.textArea;
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };
  const take = (s: Suggestion) => {
    place(accept(value, start, caret, s));
    setOpen(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open || suggestions.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      const s = suggestions[Math.min(active, suggestions.length - 1)];
      if (s) take(s);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
    }
  };
  const current = suggestions[Math.min(active, suggestions.length - 1)];
  const error = checked && !checked.ok ? checked.error : undefined;

  return (
    <Flex vertical gap={8} data-testid={testId} onFocus={() => unfoldedEditor.set(listId)}>
      <div style={{ position: 'relative' }}>
        <Input.TextArea
          ref={input}
          aria-label={label}
          role="combobox"
          aria-expanded={suggestions.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={current ? `${listId}-${current.name}` : undefined}
          value={value}
          autoSize={{ minRows: 2, maxRows: 8 }}
          spellCheck={false}
          style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}
          status={error ? 'error' : ''}
          onChange={(e) => {
            onChange(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
            setActive(0);
          }}
          onSelect={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart ?? 0)}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
        />
        {suggestions.length > 0 && (
          <div
            id={listId}
            role="listbox"
            data-testid="formula-suggestions"
            style={{
              position: 'absolute',
              zIndex: 20,
              insetInline: 0,
              top: '100%',
              background: token.colorBgElevated,
              boxShadow: token.boxShadowSecondary,
              borderRadius: 8,
              padding: 4,
              maxHeight: 280,
              overflowY: 'auto',
            }}
          >
            {suggestions.map((s, i) => (
              <div
                key={`${s.kind}:${s.name}`}
                id={`${listId}-${s.name}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                onMouseDown={(e) => {
                  e.preventDefault();
                  take(s);
                }}
                style={{
                  padding: '4px 8px',
                  borderRadius: 6,
                  cursor: 'pointer',
                  background: i === active ? token.colorPrimaryBg : undefined,
                }}
              >
                <Flex justify="space-between" gap={8}>
                  <Typography.Text code>{s.kind === 'function' ? s.syntax : s.name}</Typography.Text>
                  <Tag>{s.kind === 'function' ? t('designer.formula.function') : s.label}</Tag>
                </Flex>
                {s.kind === 'function' && i === active && (
                  <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12 }}>
                    {s.def.description[language]}
                    {s.def.examples[0] &&
                      ` ${t('designer.formula.example', { formula: s.def.examples[0].formula, result: show(s.def.examples[0].result) })}`}
                  </Typography.Paragraph>
                )}
              </div>
            ))}
          </div>
        )}
      </div>
      {full && (
        <Flex
          wrap
          gap={4}
          aria-label={t('designer.formula.fields')}
          // Keeps the focus in the formula while a chip is clicked (a compact editor would fold away).
          onMouseDown={(e) => e.preventDefault()}
        >
          {Object.keys(fields).map((key) => (
            <Tag.CheckableTag
              key={key}
              checked={refs.includes(key)}
              onChange={() =>
                place({ text: value.slice(0, caret) + key + value.slice(caret), caret: caret + key.length })
              }
            >
              {labels.get(key) ? `${labels.get(key)} · ${key}` : key}
            </Tag.CheckableTag>
          ))}
        </Flex>
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          data-testid="formula-error"
          title={t('designer.formula.errorAt', {
            position: error.position + 1,
            message: formatFormulaError(error, language),
          })}
          description={
            <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>
              {value}
              {'\n'}
              {`${' '.repeat(error.position)}^`}
            </pre>
          }
        />
      )}
      {full && checked?.ok && refs.length > 0 && (
        <div>
          <Typography.Text type="secondary">{t('designer.formula.samples')}</Typography.Text>
          <Flex vertical gap={4} style={{ marginTop: 4 }}>
            {refs.map((r) => (
              <Flex key={r} gap={8} align="center">
                <Typography.Text style={{ minWidth: 100 }} ellipsis>
                  {labels.get(r) ?? r}
                </Typography.Text>
                <SampleInput
                  kind={String(fields[r] ?? 'any')}
                  label={t('designer.formula.sampleFor', { name: labels.get(r) ?? r })}
                  value={sampleValues[r]}
                  onChange={(v) => setSamples((old) => ({ ...old, [r]: v }))}
                />
              </Flex>
            ))}
          </Flex>
        </div>
      )}
      {result && (
        <div data-testid="formula-result">
          {result.ok ? (
            <>
              <Typography.Text>
                {t('designer.formula.result')}{' '}
                <Typography.Text strong code>
                  {show(result.value)}
                </Typography.Text>{' '}
                <Tag>{result.type}</Tag>
              </Typography.Text>
              {full && result.steps.length > 1 && (
                <Table
                  size="small"
                  pagination={false}
                  style={{ marginTop: 4 }}
                  rowKey={(step) => `${step.pos}-${step.end}`}
                  dataSource={result.steps.slice(-12)}
                  columns={[
                    {
                      title: t('designer.formula.step'),
                      dataIndex: 'text',
                      render: (text: string) => <code>{text}</code>,
                    },
                    {
                      title: t('designer.formula.value'),
                      dataIndex: 'value',
                      render: (v: unknown) => show(v),
                    },
                  ]}
                />
              )}
            </>
          ) : (
            <Typography.Text type="danger">{result.message}</Typography.Text>
          )}
        </div>
      )}
      {dependencies && (
        <div data-testid="formula-dependencies">
          <Typography.Text type="secondary">
            {t('designer.formula.reads', { list: refs.join(', ') || '—' })}
            {' · '}
            {t('designer.formula.readBy', { list: dependencies.readBy.join(', ') || '—' })}
          </Typography.Text>
          {dependencies.cycle && (
            <Alert type="error" showIcon title={t('designer.formula.cycle', { cycle: dependencies.cycle })} />
          )}
        </div>
      )}
    </Flex>
  );
}
