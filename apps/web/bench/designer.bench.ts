/**
 * The form designer's model with 300 fields: every interaction (add, move, type into a property, undo,
 * copy/paste, and the checks that follow on a deferred copy) timed against the same interactions on a
 * 10-field form measured in the same run. The goal is under 50 ms per interaction at 300 fields; React's
 * rendering of the cards is kept out of it by memoised cards (only changed nodes re-render).
 */
import { performance } from 'node:perf_hooks';
import { DesignerModel } from '../src/features/designer/model/designer-model';
import type { FieldJson, FormJson } from '../src/features/designer/model/form-tree';
import { findIssues } from '../src/features/designer/model/issues';

const label = (en: string) => ({ en, 'zh-CN': en });

function formOf(n: number): FormJson {
  const fields: FieldJson[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    if (kind === 5)
      fields.push({
        key: `f${i}`,
        type: 'formula',
        label: label(`F${i}`),
        expression: `f${i - 5} * 2 + f${i - 4}`,
        resultType: 'number',
      });
    else if (kind === 4)
      fields.push({
        key: `f${i}`,
        type: 'select',
        label: label(`F${i}`),
        options: [{ value: 'a' }, { value: 'b' }],
      });
    else fields.push({ key: `f${i}`, type: 'number', label: label(`F${i}`) });
  }
  fields.push({
    key: 'items',
    type: 'subform',
    label: label('Items'),
    columns: [{ key: 'qty', type: 'number', label: label('Qty') }],
  });
  return {
    key: 'big',
    name: label('Big'),
    fields,
    layout: { sections: [{ columns: 2, fields: fields.map((f) => f.key) }] },
  };
}

type Step = { name: string; run: (m: DesignerModel) => void };
const steps: Step[] = [
  { name: 'add a field', run: (m) => void m.addField('number') },
  {
    name: 'move a field',
    run: (m) => {
      const section = m.doc.sections[0];
      const id = section?.fields[1];
      if (section && id) m.moveField(id, { container: section.id, index: section.fields.length - 2 });
    },
  },
  {
    name: 'type into a label',
    run: (m) => {
      const id = m.doc.sections[0]?.fields[0] as string;
      m.updateField(id, (f) => ({ ...f, label: { en: `${f.label?.en ?? ''}x` } }), 'label');
    },
  },
  { name: 'undo', run: (m) => m.undo() },
  {
    name: 'copy and paste',
    run: (m) => {
      const id = m.doc.sections[0]?.fields[0] as string;
      m.paste(m.copy(id) as string, id);
    },
  },
  { name: 'checks (deferred)', run: (m) => void findIssues(m.doc, [], 'en') },
];

function time(n: number, step: Step, rounds: number): number {
  const model = new DesignerModel(formOf(n), { typeLabel: label });
  step.run(model); // warm up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    step.run(model);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

console.log('form designer model: median ms per interaction, 300 fields vs 10 fields (same run)');
let worst = 0;
for (const step of steps) {
  const small = time(10, step, 40);
  const big = time(300, step, 40);
  worst = Math.max(worst, big);
  console.log(
    `${step.name.padEnd(20)} 10: ${small.toFixed(3)} ms  300: ${big.toFixed(3)} ms  ratio ${(big / Math.max(small, 0.001)).toFixed(1)}x`,
  );
}
console.log(`slowest interaction at 300 fields: ${worst.toFixed(2)} ms (goal: under 50 ms)`);
