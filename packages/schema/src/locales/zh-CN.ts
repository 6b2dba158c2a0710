import type { IssueMessages } from './types.js';
import { decimals, list, values } from './types.js';

const FORMATS: Record<string, string> = {
  date: '日期（YYYY-MM-DD）',
  'date-time': '带时区的日期时间，如 2026-01-31T09:30:00Z',
  email: '电子邮箱地址',
  uri: '网址',
  phone: '电话号码',
  'object-id': '24 位十六进制 ID',
  regex: '有效的正则表达式',
  'linear-regex': '可在线性时间内运行的正则表达式（RE2 语法：不支持前瞻、后顾和反向引用）',
};

const TYPES: Record<string, string> = {
  string: '文本',
  number: '数字',
  integer: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: '空值',
};

/** 简体中文：每个问题代码对应一条提示。 */
export const zhCN: IssueMessages = {
  'schema.required': (p) => `${String(p.missingProperty)} 为必填项`,
  'schema.additionalProperties': (p) => `未知的属性 ${String(p.additionalProperty)}`,
  'schema.type': (p) =>
    `类型应为${list(
      String(p.type)
        .split(',')
        .map((t) => TYPES[t] ?? t),
      '或',
    )}`,
  'schema.enum': (p) => `只能是以下值之一：${list(values(p.allowedValues), '、')}`,
  'schema.const': (p) => `必须为 ${JSON.stringify(p.allowedValue)}`,
  'schema.pattern': (p) => `格式不符合 ${String(p.pattern)}`,
  'schema.format': (p) => `应为${FORMATS[String(p.format)] ?? `${String(p.format)} 格式`}`,
  'schema.minimum': (p) => `不能小于 ${String(p.limit)}`,
  'schema.maximum': (p) => `不能大于 ${String(p.limit)}`,
  'schema.exclusiveMinimum': (p) => `必须大于 ${String(p.limit)}`,
  'schema.exclusiveMaximum': (p) => `必须小于 ${String(p.limit)}`,
  'schema.minLength': (p) => (Number(p.limit) === 1 ? '不能为空' : `长度不能少于 ${String(p.limit)} 个字符`),
  'schema.maxLength': (p) => `长度不能超过 ${String(p.limit)} 个字符`,
  'schema.minItems': (p) => (Number(p.limit) === 1 ? '不能为空' : `至少需要 ${String(p.limit)} 项`),
  'schema.maxItems': (p) => `最多 ${String(p.limit)} 项`,
  'schema.uniqueItems': (p) => `不能有重复项（第 ${String(p.j)} 项与第 ${String(p.i)} 项相同）`,
  'schema.multipleOf': (p) => {
    const d = decimals(p.multipleOf);
    return d === undefined ? `必须是 ${String(p.multipleOf)} 的整数倍` : `最多保留 ${d} 位小数`;
  },
  'schema.maxDecimals': (p) => `最多保留 ${String(p.limit)} 位小数`,
  'schema.minProperties': (p) => `至少需要 ${String(p.limit)} 个属性`,
  'schema.maxProperties': (p) => `最多 ${String(p.limit)} 个属性`,
  'schema.formatMinimum': (p) => `不能早于 ${String(p.limit)}`,
  'schema.formatMaximum': (p) => `不能晚于 ${String(p.limit)}`,
  'schema.invalid': (p) => `无效（${String(p.keyword)}）`,
  'key.duplicate': (p) => `标识 ${String(p.key)} 重复`,
  'ref.form': (p) => `表单 ${String(p.form)} 不存在`,
  'ref.field': (p) => `表单 ${String(p.form)} 中没有字段 ${String(p.field)}`,
  'ref.fieldType': (p) =>
    `字段 ${String(p.field)} 的类型是 ${String(p.actual)}，应为 ${list(p.expected, '或')}`,
  'access.notDerived': (p) =>
    `字段 ${String(p.field)} 不是由其他字段得出的（公式、引用、汇总或默认公式），无需解除隐藏`,
  'ref.role': (p) => `角色 ${String(p.role)} 不存在`,
  'ref.node': (p) => `流程中没有节点 ${String(p.node)}`,
  'ref.dashboard': (p) => `仪表盘 ${String(p.dashboard)} 不存在`,
  'ref.widget': (p) => `仪表盘中没有组件 ${String(p.widget)}`,
  'widget.measureKind': (p) =>
    `指标须且只能设置 aggregate、formula、percentOfTotal、runningTotal、previous、target 之一（当前：${String(p.kinds)}）`,
  'ref.action': (p) => `没有自动化动作 ${String(p.action)}`,
  'formula.unknownField': (p) => `公式引用了 ${String(p.name)}，但此处没有该字段`,
  'option.parent': (p) => `上级字段没有选项 ${String(p.value)}`,
  'option.duplicate': (p) => `选项 ${String(p.value)} 重复`,
  'flow.start': (p) => `流程必须有且只有一个开始节点，当前有 ${String(p.count)} 个`,
  'flow.end': () => '流程需要一个结束节点',
  'flow.deadEnd': (p) => `节点 ${String(p.node)} 没有后续连线`,
  'flow.branch': (p) => `分支 ${String(p.branch)} 必须恰好有一条连线`,
  'flow.unreachable': (p) => `从开始节点无法到达节点 ${String(p.node)}`,
  'flow.noDefault': (p) => `条件节点 ${String(p.node)} 需要且只能有一个默认分支（不带条件的分支）`,
  'flow.edges': (p) =>
    `节点 ${String(p.node)} 有 ${String(p.count)} 条后续连线，应为 ${String(p.expected)} 条`,
  'flow.cycle': (p) => `节点 ${String(p.node)} 连回了已经经过的节点`,
  'flow.join': (p) => `汇聚节点 ${String(p.node)} 没有汇聚同一个并行分支节点的各条分支`,
  'flow.split': (p) => `并行分支节点 ${String(p.node)} 的各条分支必须汇聚到同一个汇聚节点`,
  'flow.condition': (p) => `分支 ${String(p.branch)} 的条件无法使用：${String(p.error)}`,
  'flow.rejectTo': (p) => `节点 ${String(p.node)} 驳回到 ${String(p.target)}，但它不在本节点之前`,
  'pack.idReference': (p) =>
    `模板包只能按标识引用，不能使用 ID（${String(p.value)}）：请改用角色、字段或组织架构`,
  'submission.computed': (p) => `${String(p.field)} 由服务器计算，不能提交`,
  'range.inverted': (p) => `最小值 ${String(p.min)} 大于最大值 ${String(p.max)}`,
};
