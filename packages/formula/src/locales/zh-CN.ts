import type { FormulaErrorCode } from '../errors.js';

/** 公式错误码的简体中文文本；`{name}` 由错误的 params 替换。 */
export const zhCN: Readonly<Record<FormulaErrorCode, string>> = {
  SOURCE_TOO_LONG: '公式过长（{length} 个字符，最多 {max} 个）。',
  DEPTH_EXCEEDED: '公式嵌套层级过深（最多 {max} 层）。',
  TEXT_TOO_LONG: '公式生成的文本超过 {max} 个字符。',
  STEP_LIMIT_EXCEEDED: '公式计算步骤过多（最多 {max} 步）。',
  SYNTAX_ERROR: '语法错误：{detail}。',
  UNSUPPORTED_SYNTAX: '公式不支持“{syntax}”。',
  FORBIDDEN_NAME: '公式中不能使用“{name}”。',
  UNKNOWN_FIELD: '未知字段“{name}”。',
  UNKNOWN_FUNCTION: '未知函数“{name}”。',
  WRONG_ARGUMENT_COUNT: '{name} 需要 {expected} 个参数，实际为 {actual} 个。',
  TYPE_MISMATCH: '{context} 需要 {expected}，实际为 {actual}。',
  DIV_BY_ZERO: '除数为零。',
  VALUE_ERROR: '{name} 的参数类型不正确。',
  NUM_ERROR: '{name} 的结果不是有效数字。',
  NOT_AVAILABLE: '{name} 未找到匹配的值。',
  INVALID_ARGUMENT: '{name} 的参数无效：{detail}。',
  CIRCULAR_REFERENCE: '存在循环引用：{cycle}。',
  DEFAULT_ONLY: '{name}() 只能用于默认值公式。',
  DUPLICATE_FUNCTION: '函数 {name} 已注册。',
  EVALUATION_FAILED: '公式无法计算：{detail}。',
};
