import { describe, expect, it } from 'vitest';
import { type ChromiumHost, findChromium, MISSING_CHROMIUM } from './helpers/chromium.js';

// Not a browser test: the run's first step on a fresh machine, played with a pretend machine.
function machine(overrides: Partial<ChromiumHost> & { files?: string[] } = {}) {
  const files = new Set(overrides.files ?? []);
  const lines: string[] = [];
  const installs: string[] = [];
  const host: ChromiumHost = {
    env: {},
    candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
    isExecutable: (path) => files.has(path),
    canInstallWithApt: () => false,
    installWithApt: () => {
      installs.push('chromium');
      files.add('/usr/bin/chromium');
    },
    log: (line) => lines.push(line),
    ...overrides,
  };
  return { host, lines, installs };
}

describe('finding Chromium for the browser tests', () => {
  it('uses CHROMIUM_PATH when it names a binary, and names it when it does not', () => {
    const { host } = machine({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, files: ['/opt/chrome/chrome'] });
    expect(findChromium(host)).toBe('/opt/chrome/chrome');
    const wrong = machine({ env: { CHROMIUM_PATH: '/nowhere/chrome' }, files: ['/usr/bin/chromium'] });
    expect(() => findChromium(wrong.host)).toThrow('CHROMIUM_PATH=/nowhere/chrome is not an executable file');
  });

  it('takes the Debian binary, or chromium-browser where that is the name', () => {
    expect(findChromium(machine({ files: ['/usr/bin/chromium'] }).host)).toBe('/usr/bin/chromium');
    expect(findChromium(machine({ files: ['/usr/bin/chromium-browser'] }).host)).toBe(
      '/usr/bin/chromium-browser',
    );
  });

  it('installs Debian chromium as root with apt, saying so', () => {
    const { host, lines, installs } = machine({ canInstallWithApt: () => true });
    expect(findChromium(host)).toBe('/usr/bin/chromium');
    expect(installs).toEqual(['chromium']);
    expect(lines.join('\n')).toContain('installing Debian chromium');
  });

  it('stops with one line saying what to install when it cannot install', () => {
    const { host, installs } = machine();
    expect(() => findChromium(host)).toThrow(MISSING_CHROMIUM);
    expect(MISSING_CHROMIUM).not.toContain('\n');
    expect(MISSING_CHROMIUM).toContain('apt-get install -y chromium');
    expect(installs).toEqual([]);
  });

  it('reports an apt install that left no binary behind', () => {
    const { host } = machine({ canInstallWithApt: () => true, installWithApt: () => {} });
    expect(() => findChromium(host)).toThrow('apt-get installed chromium but no binary');
  });
});
