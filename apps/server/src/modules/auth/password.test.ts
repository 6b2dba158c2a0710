import { describe, expect, it } from 'vitest';
import { render } from '../../lib/messages/index.js';
import { hashPassword, passwordProblems as problemsOf, verifyNobody, verifyPassword } from './password.js';
import { csrfMatches, csrfTokenFor, newToken, tokenDigest, tokenKind } from './tokens.js';

const who = { email: 'Jane.Doe@Example.com', name: 'Jane Doe' };

/** The problems as an English-reading client gets them. */
const passwordProblems = (password: string, identity: typeof who) =>
  problemsOf(password, identity).map((problem) => render(problem, 'en'));

describe('password policy', () => {
  it('accepts long mixed passwords, including non-Latin letters', () => {
    expect(passwordProblems('Correct-Horse-42', who)).toEqual([]);
    expect(passwordProblems('correct horse battery', who)).toEqual([]);
    expect(passwordProblems('密码安全测试长度足够1', who)).toEqual([]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblems('😀😀😀😀😀a', who)[0]).toMatch(/at least 10 characters long \(it has 6\)/);
  });

  it('explains every problem', () => {
    expect(passwordProblems('abc', who)).toEqual([
      'password must be at least 10 characters long (it has 3)',
      'password must mix at least two kinds of characters (lower-case, upper-case, digits, symbols)',
    ]);
    expect(problemsOf('abc', who).map((problem) => render(problem, 'zh-CN'))).toEqual([
      '密码至少需要 10 个字符（当前 3 个）',
      '密码至少要包含两类字符（小写字母、大写字母、数字、符号）',
    ]);
    expect(passwordProblems('1234567890123', who)).toHaveLength(1);
    expect(passwordProblems('x'.repeat(201) + '1', who)[0]).toMatch(/at most 200/);
  });

  it('refuses the email, its name part and the name, in any case', () => {
    for (const password of ['jane.doe@example.com', 'JANE.DOE', 'jane doe']) {
      expect(passwordProblems(password, who)).toContain(
        'password must not be your email address or your name',
      );
    }
  });
});

describe('argon2id', () => {
  it('hashes with a salt and verifies', async () => {
    const [a, b] = await Promise.all([hashPassword('Correct-Horse-42'), hashPassword('Correct-Horse-42')]);
    expect(a).toMatch(/^\$argon2id\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'Correct-Horse-42')).toBe(true);
    expect(await verifyPassword(a, 'correct-horse-42')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyNobody('anything')).toBe(false);
  });
});

describe('tokens', () => {
  it('have a kind prefix and 256 random bits', () => {
    const session = newToken('session');
    expect(session).toMatch(/^fls_[A-Za-z0-9_-]{43}$/);
    expect(tokenKind(session)).toBe('session');
    expect(tokenKind(newToken('api'))).toBe('api');
    expect(tokenKind(newToken('invitation'))).toBe('invitation');
    expect(newToken('session')).not.toBe(session);
    for (const bad of [
      '',
      'fls_',
      `fls_${'a'.repeat(42)}`,
      `flx_${'a'.repeat(43)}`,
      `fls_${'a'.repeat(42)}$`,
    ]) {
      expect(tokenKind(bad)).toBeUndefined();
    }
  });

  it('are stored as a digest keyed by the secret', () => {
    const token = newToken('api');
    expect(tokenDigest('s1'.repeat(16), token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenDigest('s1'.repeat(16), token)).not.toBe(tokenDigest('s2'.repeat(16), token));
  });

  it('derive a CSRF token per session', () => {
    const secret = 'k'.repeat(32);
    const a = csrfTokenFor(secret, newToken('session'));
    const b = csrfTokenFor(secret, newToken('session'));
    expect(a).not.toBe(b);
    expect(csrfMatches(a, a)).toBe(true);
    expect(csrfMatches(a, b)).toBe(false);
    expect(csrfMatches(a, undefined)).toBe(false);
    expect(csrfMatches(a, a.slice(1))).toBe(false);
  });
});
