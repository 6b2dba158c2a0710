import { Button, Flex, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { PALETTE_MIME } from './flow-canvas';
import { NODE_TYPES, type NodeType } from './flow-model';
import { NODE_ICONS } from './node-words';

/**
 * The node palette: drag an item onto the canvas to place it there, or press it (Enter or Space) to add it
 * below the selected node, connected after it.
 */
export function FlowPalette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  const { t } = useTranslation();
  return (
    <Flex wrap gap={6} role="toolbar" aria-label={t('flows.palette')} data-testid="flow-palette">
      {NODE_TYPES.map((type) => {
        const Icon = NODE_ICONS[type];
        return (
          <Tooltip key={type} title={t(`flows.typeHint.${type}`)}>
            <Button
              size="small"
              icon={<Icon aria-hidden="true" />}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, type);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onClick={() => onAdd(type)}
              data-testid={`palette-${type}`}
            >
              {t(`flows.types.${type}`)}
            </Button>
          </Tooltip>
        );
      })}
    </Flex>
  );
}
