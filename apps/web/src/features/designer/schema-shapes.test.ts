import { Assignee } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import { namedIn, pointerAt } from './schema-context';
import { blankOf, hintedValues, missingParts, type Schema, taggedOf } from './schema-shapes';

const assignee = Assignee as unknown as Schema;
const list: Schema = { type: 'array', items: assignee, minItems: 1 };

describe('schema shapes of generated editors', () => {
  it('read a tagged union and make a fresh value of its first member with its tag', () => {
    expect(taggedOf(assignee)?.tag).toBe('kind');
    expect(taggedOf(assignee)?.members.map((m) => m.value)).toEqual([
      'role',
      'field',
      'member',
      'departmentHead',
      'manager',
      'submitter',
    ]);
    expect(blankOf(assignee, 0)).toEqual({ kind: 'role', role: '' });
  });

  it('find missing required settings through lists and the chosen member', () => {
    expect(missingParts(list, [], '/to').map((i) => i.code)).toEqual(['schema.minItems']);
    expect(missingParts(list, [{ kind: 'role', role: '' }, { kind: 'submitter' }], '/to')).toEqual([
      { code: 'schema.required', path: '/to/0/role', params: { missingProperty: 'role' } },
    ]);
  });

  it('list hinted values with the objects enclosing them', () => {
    const found = hintedValues(list, [{ kind: 'field', field: 'rep' }], '/to');
    expect(found).toEqual([
      {
        hint: { ref: 'field', of: 'scope', types: ['member'] },
        value: 'rep',
        path: '/to/0/field',
        parents: [{ kind: 'field', field: 'rep' }],
      },
    ]);
  });

  it('resolve a hint property in the innermost enclosing object, and escape pointers', () => {
    const named = namedIn([{ form: 'deals', forEach: {} }, { form: 'contracts' }, { kind: 'records' }]);
    expect(named('form')).toBe('contracts');
    expect(named('missing')).toBeUndefined();
    expect(pointerAt('/values', 'a/b~c')).toBe('/values/a~1b~0c');
  });
});
