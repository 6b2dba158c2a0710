import { ApartmentOutlined, SaveOutlined } from '@ant-design/icons';
import { Flow } from '@formloom/schema';
import { Alert, Button, Card, Flex, Tag, Typography } from 'antd';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { RefusedAlert } from '../../components/refused-alert';
import { useIsPhone } from '../../components/use-is-phone';
import type { AppDetail } from '../designer/designer-api';
import type { KnownForm } from '../designer/editor-context';
import type { Localized } from '../designer/model/form-tree';
import { LocalizedInput, Property, SchemaValue } from '../designer/schema-editor';
import type { Schema } from '../designer/schema-shapes';
import { textOf, useLanguage } from '../designer/type-labels';
import { useUnsavedGuard } from '../permissions/use-unsaved-guard';
import { flowApi, type StoredFlow } from './flow-api';
import { edgeId, FlowCanvas } from './flow-canvas';
import { checkFlow, WORKSPACE_ROLES } from './flow-checks';
import { type FlowEnvironment, flowSchemaContext } from './flow-context';
import {
  connect,
  disconnect,
  type FlowJson,
  type FlowProblem,
  layout,
  type NodeType,
  newFlow,
  newNode,
  outgoing,
  type Point,
  placeBelow,
  placeServerDetails,
  removeNode,
  updateNode,
} from './flow-model';
import { FlowPalette } from './flow-palette';
import { NodePanel } from './node-panel';

/** What the page loads before the designer opens. */
export interface Loaded {
  app: AppDetail;
  forms: KnownForm[];
  formKey: string;
  members: Array<{ value: string; label: string }>;
  flow: StoredFlow | null;
}

const SETTINGS = (Flow as unknown as Schema).properties?.settings as Schema;

/**
 * The flow designer: palette and canvas, the selected node's panel (or the flow's settings), the problems the
 * browser and the server find shown at their nodes, save and publish.
 */
export function FlowDesigner({
  workspace,
  appId,
  loaded,
}: {
  workspace: string;
  appId: string;
  loaded: Loaded;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const { message } = useFeedback();
  const form = loaded.forms.find((f) => f.key === loaded.formKey);
  const formName = textOf(form?.name as Localized, language) || loaded.formKey;
  const [stored, setStored] = useState(loaded.flow);
  const [flow, setFlow] = useState<FlowJson>(
    () =>
      loaded.flow?.definition ??
      newFlow(loaded.formKey, { [language]: t('flows.defaultName', { form: formName }) }),
  );
  const [positions, setPositions] = useState<Record<string, Point>>(() => layout(flow));
  const [selected, setSelected] = useState<string | null>(null);
  const [dirty, setDirty] = useState(!loaded.flow);
  const [serverProblems, setServerProblems] = useState<FlowProblem[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const { confirmDiscard } = useUnsavedGuard(dirty);

  const env: FlowEnvironment = useMemo(
    () => ({
      forms: loaded.forms,
      roles: [
        ...(loaded.app.roles ?? []).map((r) => ({
          value: r.key,
          label: `${textOf(r.name as Localized, language) || r.key} (${r.key})`,
        })),
        ...WORKSPACE_ROLES.map((r) => ({ value: r, label: `${t(`flows.workspaceRole.${r}`)} (${r})` })),
      ],
      members: loaded.members,
      language,
    }),
    [loaded, language, t],
  );
  const roleKeys = useMemo(() => (loaded.app.roles ?? []).map((r) => r.key), [loaded.app.roles]);
  const deferred = useDeferredValue(flow);
  const localProblems = useMemo(
    () => checkFlow(deferred, loaded.forms, roleKeys, language),
    [deferred, loaded.forms, roleKeys, language],
  );
  const problems = useMemo(() => [...serverProblems, ...localProblems], [serverProblems, localProblems]);
  const perNode = useMemo(() => {
    const counts = new Map<string, number>();
    for (const p of problems) if (p.node) counts.set(p.node, (counts.get(p.node) ?? 0) + 1);
    return counts;
  }, [problems]);
  const ctx = flowSchemaContext(flow, env, problems);

  const change = useCallback((update: (prev: FlowJson) => FlowJson) => {
    setFlow((prev) => {
      const next = update(prev);
      if (next !== prev) {
        setDirty(true);
        setServerProblems([]);
      }
      return next;
    });
  }, []);
  const add = (type: NodeType, at?: Point) => {
    const node = newNode(type, flow);
    const after = selected ? flow.nodes.find((n) => n.id === selected) : undefined;
    const below = after && positions[after.id];
    setPositions((p) => ({
      ...p,
      [node.id]: at ?? (below ? { x: below.x, y: below.y + 120 } : placeBelow(p)),
    }));
    change((prev) => {
      let next = { ...prev, nodes: [...prev.nodes, node] };
      if (!at && after && outgoing(after.type) !== 'none') {
        const free = after.branches?.find(
          (b) => !prev.edges.some((e) => e.from === after.id && e.branch === b.id),
        );
        if (outgoing(after.type) !== 'branches' || free) next = connect(next, after.id, node.id, free?.id);
      }
      return next;
    });
    setSelected(node.id);
  };
  const onMove = useCallback((id: string, p: Point) => setPositions((all) => ({ ...all, [id]: p })), []);
  const onConnect = useCallback(
    (from: string, to: string, branch?: string) => change((prev) => connect(prev, from, to, branch)),
    [change],
  );
  const onRemoveNodes = useCallback(
    (ids: string[]) => {
      change((prev) => ids.reduce(removeNode, prev));
      setSelected(null);
    },
    [change],
  );
  const onRemoveEdges = useCallback(
    (ids: string[]) =>
      change((prev) => disconnect(prev, (e) => ids.includes(edgeId(e.from, e.to, e.branch)))),
    [change],
  );

  const save = async (publish: boolean) => {
    if (publish && localProblems.length > 0) {
      message.error(t('flows.fixFirst', { count: localProblems.length }));
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const saved = stored
        ? await flowApi.update(workspace, stored.id, flow, stored.v, publish)
        : await flowApi.create(workspace, appId, flow, publish);
      setStored(saved);
      setDirty(false);
      message.success(publish ? t('flows.published', { version: saved.version }) : t('flows.saved'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
      setServerProblems(placeServerDetails(error.details, flow));
    } finally {
      setBusy(false);
    }
  };

  const node = flow.nodes.find((n) => n.id === selected);
  const whole = problems.filter((p) => p.node === null);
  return (
    <div data-testid="flow-designer">
      <PageHeader
        title={textOf(flow.name, language) || t('flows.untitled')}
        subtitle={
          <Flex gap={6} wrap align="center">
            <span>{formName}</span>
            {stored && stored.version > 0 ? (
              <Tag color="green" data-testid="flow-version">
                {t('flows.version', { version: stored.version })}
              </Tag>
            ) : (
              <Tag data-testid="flow-version">{t('flows.unpublished')}</Tag>
            )}
          </Flex>
        }
        back={
          <Button type="link" onClick={() => confirmDiscard(() => navigate(`/build/${appId}`))}>
            {t('designer.back')}
          </Button>
        }
        actions={
          <>
            <Button icon={<ApartmentOutlined />} onClick={() => setPositions(layout(flow))}>
              {t('flows.autoLayout')}
            </Button>
            <Button
              icon={<SaveOutlined />}
              disabled={!dirty}
              loading={busy}
              onClick={() => void save(false)}
              data-testid="save-flow"
            >
              {t('flows.save')}
            </Button>
            <Button type="primary" loading={busy} onClick={() => void save(true)} data-testid="publish-flow">
              {t('flows.publish')}
            </Button>
          </>
        }
      />
      {failure && (
        <RefusedAlert
          title={t('flows.refused', { message: failure.message })}
          problems={serverProblems.map((p) => p.message)}
          onClose={() => setFailure(null)}
          testId="flow-refused"
        />
      )}
      {whole.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="flow-problems"
          title={whole.map((p) => p.message).join(' · ')}
        />
      )}
      <Flex vertical={phone} gap={12} align="stretch">
        <Flex vertical gap={8} style={{ flex: 1, minWidth: 0 }}>
          <FlowPalette onAdd={(type) => add(type)} />
          <div
            data-testid="flow-canvas"
            style={{
              height: phone ? 420 : 'calc(100vh - 260px)',
              minHeight: 360,
              border: '1px solid #eee',
              borderRadius: 8,
            }}
          >
            <FlowCanvas
              flow={flow}
              positions={positions}
              selected={selected}
              problems={perNode}
              onSelect={setSelected}
              onMove={onMove}
              onConnect={onConnect}
              onRemoveNodes={onRemoveNodes}
              onRemoveEdges={onRemoveEdges}
              onDropType={(type, at) => add(type, at)}
            />
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('flows.canvasHelp')}
          </Typography.Text>
        </Flex>
        <Card
          size="small"
          style={{ width: phone ? '100%' : 380, flexShrink: 0 }}
          styles={{ body: { minWidth: 0 } }}
        >
          {node ? (
            <NodePanel
              key={node.id}
              node={node}
              flow={flow}
              ctx={ctx}
              fields={ctx.ownFields(() => undefined)}
              problems={problems.filter((p) => p.node === node.id)}
              onChange={(next) => change((prev) => updateNode(prev, node.id, next))}
              onConnect={(to, branch) => onConnect(node.id, to, branch)}
              onDisconnect={(to, branch) =>
                change((prev) =>
                  disconnect(prev, (e) => e.from === node.id && e.to === to && e.branch === branch),
                )
              }
              onRemove={() => onRemoveNodes([node.id])}
            />
          ) : (
            <Flex vertical gap={4} data-testid="flow-settings">
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('flows.settings')}
              </Typography.Title>
              <Typography.Text type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
                {t('flows.selectHint')}
              </Typography.Text>
              <Property label={t('flows.props.name')}>
                <LocalizedInput
                  value={flow.name}
                  label={t('flows.flowName')}
                  onChange={(name) => change((prev) => ({ ...prev, name: name ?? {} }))}
                />
              </Property>
              <SchemaValue
                schema={SETTINGS}
                value={flow.settings ?? {}}
                onChange={(v) =>
                  change((prev) => {
                    const next: FlowJson = { ...prev, settings: v as Record<string, unknown> };
                    if (!v || Object.keys(v as object).length === 0) delete next.settings;
                    return next;
                  })
                }
                ctx={ctx}
                label={t('flows.settings')}
                path="/settings"
              />
            </Flex>
          )}
        </Card>
      </Flex>
    </div>
  );
}
