import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { type AppRoleDefinition, formAccess } from '../../lib/access/index.js';
import { groupKey } from './dispatch.js';

/** Grouping decides how many access checks a change costs, and must never merge callers who see differently. */

const hex = (n: number) => n.toString(16).padStart(24, '0');
const roles: AppRoleDefinition[] = [
  { key: 'viewer', forms: [{ form: 'deals', view: 'all' }] },
  { key: 'rep', forms: [{ form: 'deals', view: 'own', fields: [{ field: 'margin', access: 'hidden' }] }] },
  { key: 'auditor', forms: [{ form: 'deals', view: 'all', fields: [{ field: 'notes', access: 'hidden' }] }] },
];
const loc = { ws: new Types.ObjectId(hex(900)), form: new Types.ObjectId(hex(901)) };

function keyOf(user: number, held: string[]): string {
  const access = formAccess({ userId: hex(user), roles: held }, roles, 'deals', loc, { fields: new Map() });
  const filter = access.filter('view');
  if (!filter) throw new Error('no view');
  return groupKey(filter, access.hidden);
}

describe('groupKey', () => {
  it('puts callers who see the same records and fields in one group, whoever they are', () => {
    expect(keyOf(1, ['member', 'viewer'])).toBe(keyOf(2, ['viewer', 'member']));
    expect(keyOf(1, ['owner'])).toBe(keyOf(2, ['admin']));
    // Seeing every record and every field is the same whether a role or ownership grants it.
    expect(keyOf(1, ['viewer'])).toBe(keyOf(2, ['owner']));
  });

  it('keeps callers apart when their scope or their hidden fields differ', () => {
    expect(keyOf(1, ['rep'])).not.toBe(keyOf(2, ['rep']));
    expect(keyOf(1, ['rep'])).toBe(keyOf(1, ['rep', 'member']));
    expect(keyOf(1, ['viewer'])).not.toBe(keyOf(1, ['auditor']));
  });

  it('tells ObjectIds and dates from strings that print the same', () => {
    const id = new Types.ObjectId(hex(7));
    const when = new Date('2026-01-01T00:00:00Z');
    expect(groupKey({ owner: id }, new Set())).not.toBe(groupKey({ owner: hex(7) }, new Set()));
    expect(groupKey({ at: when }, new Set())).not.toBe(groupKey({ at: when.toISOString() }, new Set()));
    expect(groupKey({}, new Set(['b', 'a']))).toBe(groupKey({}, new Set(['a', 'b'])));
  });
});
