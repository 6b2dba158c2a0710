import type { FunctionDef } from '../registry.js';

/** The member the reference's examples are evaluated for (the tests pass it as `user`). */
export const EXAMPLE_USER = '65f0a1b2c3d4e5f6a7b8c9d0';

/**
 * Functions that read who the formula is evaluated for. Only default formulas have someone (the member
 * creating the record); form checks refuse them in formula fields and rules, where no one is.
 */
export const contextFunctions: readonly FunctionDef[] = [
  {
    name: 'CURRENT_USER',
    category: 'context',
    params: [],
    returns: 'text',
    description: {
      en: 'The member creating the record (their id), for default values of member fields: { "default": { "formula": "CURRENT_USER()" } }. Only default formulas may use it.',
      'zh-CN':
        '正在创建记录的成员（其 ID），用于成员字段的默认值：{ "default": { "formula": "CURRENT_USER()" } }。只能用于默认值公式。',
    },
    examples: [{ formula: 'CURRENT_USER()', result: EXAMPLE_USER }],
    impl: (_a, ctx) => ctx.user,
  },
];

/** Names of the functions only default formulas may call. */
export const DEFAULT_ONLY_FUNCTIONS: ReadonlySet<string> = new Set(contextFunctions.map((f) => f.name));
