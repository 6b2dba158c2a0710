import { fieldTypes } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import { FIELD_COMPONENTS } from './field-components';

describe('FIELD_COMPONENTS', () => {
  it('names the component and computed flag of every field type of the schema registry', () => {
    const fromRegistry = Object.fromEntries(
      fieldTypes.keys().map((type) => {
        const def = fieldTypes.get(type);
        return [type, { component: def?.component, ...(def?.computed === true ? { computed: true } : {}) }];
      }),
    );
    expect(FIELD_COMPONENTS).toEqual(fromRegistry);
  });
});
