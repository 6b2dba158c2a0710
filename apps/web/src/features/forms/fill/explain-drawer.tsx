import type { LiveForm } from '@formloom/form-runtime';
import type { Explanation, TierBreakdown } from '@formloom/formula';
import { isFormulaError } from '@formloom/formula';
import { Alert, Descriptions, Drawer, Empty, Table, Tag, Typography, theme } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '../../../api/apps';
import { useIsPhone } from '../../../components/use-is-phone';
import { localized } from '../../../i18n/localized';

function valueText(value: unknown, language: string): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'number')
    return new Intl.NumberFormat(language, { maximumFractionDigits: 6 }).format(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map((v) => valueText(v, language));
    return `[${shown.join(', ')}${value.length > 8 ? `, … (${value.length})` : ''}]`;
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isTiers(detail: unknown): detail is TierBreakdown {
  return typeof detail === 'object' && detail !== null && Array.isArray((detail as TierBreakdown).tiers);
}

/**
 * TIERED's detail: every tier's bounds, rate, the slice of the value in it and what it pays — a table at a
 * desk; on a phone each tier is a block of label/value rows, which fits 375 px without scrolling sideways.
 */
function Tiers({ detail, language, phone }: { detail: TierBreakdown; language: string; phone: boolean }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const number = (n: number | null) => (n === null ? '∞' : valueText(n, language));
  const rate = (r: number) => `${valueText(r * 100, language)} %`;
  const mode = (
    <Typography.Text type="secondary">
      {t(`explain.mode.${detail.mode}`)}
      {detail.capped ? ` · ${t('explain.capped', { value: number(detail.value) })}` : ''}
    </Typography.Text>
  );
  if (phone) {
    const row = { display: 'flex', justifyContent: 'space-between', gap: 12 } as const;
    return (
      <div data-testid="explain-tiers">
        {mode}
        {detail.tiers.map((tier) => (
          <div
            key={`${tier.from}`}
            data-testid="explain-tier"
            style={{
              marginTop: 8,
              padding: '8px 12px',
              border: `1px solid ${token.colorBorderSecondary}`,
              borderRadius: token.borderRadius,
            }}
          >
            <div style={{ fontWeight: 600 }} data-testid="explain-tier-range">
              {t('explain.tier')} {number(tier.from)} – {number(tier.to)}
            </div>
            <dl style={{ margin: 0 }}>
              {(
                [
                  ['rate', rate(tier.rate)],
                  ['slice', number(tier.slice)],
                  ['amount', number(tier.amount)],
                ] as const
              ).map(([key, value]) => (
                <div key={key} style={row}>
                  <dt style={{ color: token.colorTextSecondary }}>{t(`explain.${key}`)}</dt>
                  <dd
                    style={{ margin: 0, fontVariantNumeric: 'tabular-nums' }}
                    data-testid="explain-tier-value"
                  >
                    {value}
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
        <div style={{ ...row, padding: '8px 12px 0', fontWeight: 600 }} data-testid="explain-tiers-total">
          <span>{t('explain.total')}</span>
          <span>{number(detail.total)}</span>
        </div>
      </div>
    );
  }
  return (
    <div data-testid="explain-tiers">
      {mode}
      <Table
        size="small"
        pagination={false}
        rowKey={(row) => `${row.from}`}
        dataSource={[...detail.tiers]}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('explain.tier'),
            key: 'range',
            render: (_v, row) => `${number(row.from)} – ${number(row.to)}`,
          },
          {
            title: t('explain.rate'),
            key: 'rate',
            render: (_v, row) => rate(row.rate),
          },
          { title: t('explain.slice'), key: 'slice', render: (_v, row) => number(row.slice) },
          { title: t('explain.amount'), key: 'amount', render: (_v, row) => number(row.amount) },
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={3}>
              {t('explain.total')}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={1}>{number(detail.total)}</Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
    </div>
  );
}

/** A constant written in the formula (a number, a text, true/false, a list of them): its "step" says nothing. */
const LITERAL =
  /^\s*(?:-?\d+(?:\.\d+)?|"[^"]*"|'[^']*'|true|false|\[(?:\s*(?:-?\d+(?:\.\d+)?|"[^"]*"|'[^']*')\s*,?)*\])\s*$/i;

/**
 * "How was this computed": the formula of a computed field evaluated again over the values shown, with
 * every sub-expression's value (the formula package's trace) and TIERED tier by tier.
 */
export function ExplainDrawer({
  live,
  field,
  data,
  language,
  onClose,
}: {
  live: LiveForm;
  field: FieldDefinition | null;
  data: Record<string, unknown>;
  language: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const result = useMemo((): { explanation?: Explanation; error?: string } | null => {
    if (!field) return null;
    const program = live.formulaOf(field.key);
    if (!program) return { error: t('explain.notAFormula') };
    try {
      return { explanation: program.explain(data, live.clock()) };
    } catch (error) {
      if (isFormulaError(error)) return { error: error.message };
      throw error;
    }
  }, [field, live, data, t]);
  // Constants are the formula's own words, shown above: the steps are what was looked up and computed.
  const steps = (result?.explanation?.steps ?? []).filter(
    (step, i, all) => i === all.length - 1 || !LITERAL.test(step.text),
  );
  const label = field ? localized(field.label as never, language) || field.key : '';
  const program = field ? live.formulaOf(field.key) : undefined;
  return (
    <Drawer
      open={field !== null}
      onClose={onClose}
      title={t('explain.title', { field: label })}
      placement={phone ? 'bottom' : 'right'}
      size={phone ? 'large' : 560}
      data-testid="explain-drawer"
    >
      {program && (
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('explain.formula')}>
            <Typography.Text code copyable>
              {program.expression}
            </Typography.Text>
          </Descriptions.Item>
          {result?.explanation && (
            <Descriptions.Item label={t('explain.result')}>
              <Typography.Text strong data-testid="explain-result">
                {valueText(result.explanation.value, language)}
              </Typography.Text>
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {result?.error && <Alert type="warning" showIcon title={result.error} />}
      {result?.explanation &&
        (steps.length === 0 ? (
          <Empty />
        ) : (
          <ol style={{ paddingInlineStart: 20, margin: 0 }} data-testid="explain-steps">
            {steps.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are in evaluation order and never move.
              <li key={i} style={{ marginBottom: 8 }}>
                <Typography.Text code data-testid="explain-step-text">
                  {step.text}
                </Typography.Text>{' '}
                <span aria-hidden="true">→</span>{' '}
                <Tag bordered={false}>{valueText(step.value, language)}</Tag>
                {isTiers(step.detail) && <Tiers detail={step.detail} language={language} phone={phone} />}
              </li>
            ))}
          </ol>
        ))}
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
        {t('explain.note')}
      </Typography.Paragraph>
    </Drawer>
  );
}
