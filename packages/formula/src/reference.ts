import { EXAMPLE_USER } from './functions/context.js';
import { defaultRegistry } from './functions/index.js';
import { type FunctionCategory, type FunctionRegistry, functionSyntax } from './registry.js';

const CATEGORY_TITLES: Readonly<Record<FunctionCategory, string>> = {
  math: 'Math · 数学',
  text: 'Text · 文本',
  date: 'Date · 日期',
  logic: 'Logic · 逻辑',
  statistics: 'Statistics · 统计',
  tier: 'Tiers · 阶梯',
  context: 'Context · 上下文',
};

const GRAMMAR = `# Formula reference · 公式参考

> Generated from the function registry of \`@formloom/formula\` by
> \`pnpm --filter @formloom/formula run docs\`. Do not edit by hand: a test fails when this file and
> the registry differ. 本文件由函数注册表生成，请勿手工修改。

## Language · 语法

| Element | Syntax | Notes |
|---|---|---|
| Field | \`amount\` | A field by its stable key (ASCII letters, digits, \`_\`). |
| Subform column | \`items.lineTotal\` | The column of every row, as a list. |
| Relation lookup | \`customer.region\` | A field of the related record. |
| Number | \`12\`, \`0.5\`, \`1e6\` | |
| Text | \`"text"\` or \`'text'\` | Backslash escapes: \`\\"\`, \`\\n\`. |
| Boolean | \`TRUE\`, \`FALSE\` | Also \`true\`, \`false\`. |
| List | \`[1, 2, 3]\` | |
| Arithmetic | \`+ - * / ^ %\` | \`%\` is the remainder (like MOD), \`^\` the power. Date ± number adds days; date − date gives days. |
| Concatenation | \`&\` | \`"Q" & 3\` → \`"Q3"\`. Same precedence as \`+\` and \`-\`; use parentheses when mixing. |
| Comparison | \`= == <> != < <= > >=\` | \`=\` and \`==\` are the same; so are \`<>\` and \`!=\`. Text compares case-insensitively. |
| Logic | \`and or not\` (also \`AND OR NOT\` between operands, \`&& \\|\\|\`) | \`not\` binds tighter than comparisons: write \`not (a > b)\` or \`NOT(a > b)\`. |
| Conditional | \`test ? a : b\` | Same as \`IF(test, a, b)\`. |
| Function call | \`ROUND(x, 2)\` | Names are case-insensitive; \`FORECAST.LINEAR(...)\` keeps its dot. |
| Comment | \`/* ... */\` | |

Precedence, lowest first: \`? :\`, \`or\`, \`and\`, comparisons, \`+ - &\`, \`* / %\`, unary \`- + not\`, \`^\`, calls and \`.\`.

## Types · 类型

Formulas are checked against the form's field types when the form is saved: \`name + 1\` with a text
field \`name\` is a design-time error (TYPE_MISMATCH), not a wrong number later.

| Field kind | Formula type |
|---|---|
| text, select, member | text |
| number, money, percent (stored as a fraction: 15% = 0.15) | number |
| boolean | boolean |
| date / datetime | date / datetime |
| multiselect | text[] |
| subform column (\`items.qty\`) | number[], text[], … |

## Blanks · 空值

As in Excel: a blank (no value or empty text) is \`0\` in arithmetic, \`""\` in text, FALSE in logic
and equals \`0\`, \`""\` and FALSE in comparisons. COUNT, AVERAGE, MIN and MAX skip blanks inside
lists; ISEMPTY tests for a blank. 与 Excel 相同：空值在运算中为 0，在文本中为空文本。

## Dates · 日期

Dates are ISO 8601 (\`"2026-03-15"\`, \`"2026-03-15T08:00:00Z"\`) on the way in and out and UTC
inside, so every browser and the server agree. A date result is returned as \`YYYY-MM-DD\`, a
datetime as a full ISO string. Text next to a date in a comparison is read as a date. 日期一律按 UTC 计算。

## Numbers and money · 数字与金额

Numbers are IEEE doubles. A money result is rounded half away from zero to the field's precision
(2 digits unless configured), so \`0.1 + 0.2\` stores \`0.3\`. ROUND rounds half away from zero
too: ROUND(2.5) = 3, ROUND(-2.5) = -3.

## Errors and limits · 错误与限制

Errors are FormulaErrors with a code, the character position and a message key with zh-CN and en
texts. Division by zero, a failed lookup (#N/A) and invalid numbers stop the evaluation with
DIV_BY_ZERO, NOT_AVAILABLE or NUM_ERROR. A formula is at most 10,240 characters and 64 levels deep,
and one evaluation takes at most 1,000,000 steps (function calls plus the list items they read).
A text the formula makes, at any step or as its result, is at most 100,000 characters (TEXT_TOO_LONG;
a formula field then stores no value, like a spreadsheet cell showing an error).
Formulas cannot reach JavaScript: no prototypes, constructors, globals or \`this\`; only registered
functions can be called.
`;

function value(v: unknown): string {
  return `\`${JSON.stringify(v)}\``;
}

/**
 * Renders docs/formula-reference.md from a function registry: the grammar, then every function
 * with syntax, English and Chinese description and examples (examples are evaluated by the tests).
 */
export function renderFormulaReference(registry: FunctionRegistry = defaultRegistry): string {
  const lines: string[] = [GRAMMAR, '## Functions · 函数', ''];
  lines.push(
    'Examples that use TODAY() or NOW() assume the moment 2026-03-15T10:30:00Z; CURRENT_USER() the member',
    `\`${EXAMPLE_USER}\`.`,
    '',
  );
  const categories = Object.keys(CATEGORY_TITLES) as FunctionCategory[];
  for (const category of categories) {
    const defs = registry.list().filter((d) => d.category === category);
    if (defs.length === 0) continue;
    lines.push(`### ${CATEGORY_TITLES[category]}`, '');
    for (const def of defs) {
      lines.push(`#### ${def.name}`, '', `\`${functionSyntax(def)}\``, '');
      lines.push(`- en: ${def.description.en}`, `- zh-CN: ${def.description['zh-CN']}`, '');
      lines.push('| Example · 示例 | Result · 结果 |', '|---|---|');
      for (const ex of def.examples)
        lines.push(`| \`${ex.formula.replace(/\|/g, '\\|')}\` | ${value(ex.result)} |`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
