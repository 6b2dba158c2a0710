import { describe, expect, it } from 'vitest';
import { SeenEvents } from './seen-events';

describe('SeenEvents', () => {
  it('drops an event repeated under the same name and id, keeps the rest', () => {
    const seen = new SeenEvents();
    expect(seen.repeats('flow:notice', { id: 'e1:3', reason: 'urge' })).toBe(false);
    expect(seen.repeats('flow:notice', { id: 'e1:3', reason: 'urge' })).toBe(true);
    // The same id under another event (a member's assigned and closed notices of one step) is not a repeat.
    expect(seen.repeats('tasks:closed', { id: 'e1:3' })).toBe(false);
    expect(seen.repeats('flow:notice', { id: 'e1:4' })).toBe(false);
  });

  it('never drops events without an id', () => {
    const seen = new SeenEvents();
    expect(seen.repeats('record:updated', { ws: 'w' })).toBe(false);
    expect(seen.repeats('record:updated', { ws: 'w' })).toBe(false);
    expect(seen.repeats('record:updated', null)).toBe(false);
  });

  it('forgets the oldest ids past its limit', () => {
    const seen = new SeenEvents(2);
    seen.repeats('x', { id: 'a' });
    seen.repeats('x', { id: 'b' });
    seen.repeats('x', { id: 'c' });
    expect(seen.repeats('x', { id: 'c' })).toBe(true);
    expect(seen.repeats('x', { id: 'a' })).toBe(false);
  });
});
