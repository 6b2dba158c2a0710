import { ArrowDownOutlined, ArrowUpOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Popover, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** A list's columns: which are shown and in what order; moving is by buttons, so keyboards can do it too. */
export function ColumnChooser({
  all,
  chosen,
  labelOf,
  onChange,
}: {
  all: readonly string[];
  chosen: readonly string[];
  labelOf: (key: string) => string;
  onChange: (columns: string[]) => void;
}) {
  const { t } = useTranslation();
  const order = [...chosen, ...all.filter((key) => !chosen.includes(key))];
  const move = (key: string, by: number) => {
    const list = [...chosen];
    const at = list.indexOf(key);
    const to = at + by;
    if (at < 0 || to < 0 || to >= list.length) return;
    list.splice(at, 1);
    list.splice(to, 0, key);
    onChange(list);
  };
  const content = (
    <Flex
      vertical
      gap={2}
      style={{ maxHeight: 360, overflowY: 'auto', minWidth: 240 }}
      data-testid="column-chooser"
    >
      {order.map((key) => {
        const shown = chosen.includes(key);
        const at = chosen.indexOf(key);
        return (
          <Flex key={key} align="center" gap={4}>
            <Checkbox
              checked={shown}
              onChange={(e) =>
                onChange(e.target.checked ? [...chosen, key] : chosen.filter((k) => k !== key))
              }
              style={{ flex: 1 }}
            >
              {labelOf(key)}
            </Checkbox>
            {shown && (
              <>
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowUpOutlined />}
                  disabled={at === 0}
                  aria-label={t('records.moveUp', { column: labelOf(key) })}
                  onClick={() => move(key, -1)}
                />
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowDownOutlined />}
                  disabled={at === chosen.length - 1}
                  aria-label={t('records.moveDown', { column: labelOf(key) })}
                  onClick={() => move(key, 1)}
                />
              </>
            )}
          </Flex>
        );
      })}
      <Typography.Text type="secondary" style={{ fontSize: 12, marginTop: 4 }}>
        {t('records.columnsHelp')}
      </Typography.Text>
    </Flex>
  );
  return (
    <Popover trigger="click" content={content} title={t('records.columns')} placement="bottomRight">
      <Button icon={<SettingOutlined />}>{t('records.columns')}</Button>
    </Popover>
  );
}
