import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'formloom-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'x'.repeat(32);

describe('loadConfig', () => {
  it('applies defaults and generates a persistent secret for the embedded store', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir }, []);
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      dataDir,
      mongodbUri: undefined,
      cacheTtlMs: 2000,
      demo: false,
      demoScale: 1,
    });
    expect(config.secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dataDir, '.secret'), 'utf8')).toBe(config.secret);
    expect(loadConfig({ DATA_DIR: dataDir }, []).secret).toBe(config.secret);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: tempDir(),
        MONGODB_URI: 'mongodb://db:27017/app',
        SECRET,
        LOG_LEVEL: 'warn',
        REDIS_URL: 'redis://cache:6379',
        FORMLOOM_DEMO: 'true',
        FORMLOOM_DEMO_SCALE: '0.25',
        RATE_LIMIT_MAX: '50',
        CACHE_TTL_MS: '0',
      },
      [],
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      mongodbUri: 'mongodb://db:27017/app',
      secret: SECRET,
      logLevel: 'warn',
      redisUrl: 'redis://cache:6379',
      demo: true,
      demoScale: 0.25,
      rateLimitMax: 50,
      cacheTtlMs: 0,
    });
  });

  it('refuses a demo scale that is not a number above 0', () => {
    for (const bad of ['0', '-1', 'lots', '1e3', '5000']) {
      expect(() => loadConfig({ DATA_DIR: tempDir(), FORMLOOM_DEMO_SCALE: bad }, [])).toThrow(
        /FORMLOOM_DEMO_SCALE/,
      );
    }
  });

  it('trusts no proxy unless told, then a flag, a hop count or addresses', () => {
    const dataDir = tempDir();
    expect(loadConfig({ DATA_DIR: dataDir }, []).trustProxy).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: 'true' }, []).trustProxy).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '2' }, []).trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '10.0.0.0/8, ::1' }, []).trustProxy).toBe(
      '10.0.0.0/8,::1',
    );
  });

  it('turns on the demo with --demo', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }, ['node', 'main.js', '--demo']).demo).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ PORT: '-1' }, 'PORT', /whole number/],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI', /mongodb:\/\//],
    [{ MONGODB_URI: 'mongodb://x' }, 'SECRET', /required when MONGODB_URI/],
    [{ SECRET: 'short' }, 'SECRET', /at least 32 characters/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ FORMLOOM_DEMO: 'maybe' }, 'FORMLOOM_DEMO', /1\/true\/yes/],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL', /redis:\/\//],
    [{ TRUST_PROXY: 'the proxy' }, 'TRUST_PROXY', /hop count/],
    [{ CACHE_TTL_MS: '2s' }, 'CACHE_TTL_MS', /whole number/],
    [{ CACHE_TTL_MS: '600000' }, 'CACHE_TTL_MS', /between 0 and 60000/],
  ])('rejects %o naming %s', (env, variable, message) => {
    const attempt = () => loadConfig({ DATA_DIR: tempDir(), ...env }, []);
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toContain(variable);
      expect((error as Error).message).toMatch(message);
    }
  });
});
