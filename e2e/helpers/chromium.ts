import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Where Debian and Ubuntu put their Chromium, tried in this order after `CHROMIUM_PATH`. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The one line a machine without Chromium gets: what to install, or what to point at. */
export const MISSING_CHROMIUM =
  'Browser tests need Chromium: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.';

/** What {@link findChromium} may do on this machine; tests replace it to play a fresh machine. */
export interface ChromiumHost {
  env: Readonly<Record<string, string | undefined>>;
  candidates: readonly string[];
  isExecutable(path: string): boolean;
  /** True when this process may install system packages with apt (root, and apt-get exists). */
  canInstallWithApt(): boolean;
  /** Installs Debian's chromium; throws when apt fails. */
  installWithApt(): void;
  log(line: string): void;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    const stderr = result.stderr?.toString('utf8').trim().split('\n').slice(-3).join(' ') ?? '';
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${stderr}`);
  }
}

/** This machine: the real file system, the real apt. */
export const systemHost: ChromiumHost = {
  env: process.env,
  candidates: CHROMIUM_CANDIDATES,
  isExecutable,
  canInstallWithApt: () => process.getuid?.() === 0 && isExecutable('/usr/bin/apt-get'),
  installWithApt: () => {
    // As .ci/run does: Debian's own chromium, never a browser downloaded by a package manager.
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
  },
  log: (line) => process.stdout.write(`${line}\n`),
};

/**
 * The Chromium binary the browser tests drive: `CHROMIUM_PATH` when set (it must exist, or this fails
 * naming it), else the first of the Debian paths; on a machine with neither, as root with apt, it installs
 * Debian's chromium and uses that. Otherwise it throws {@link MISSING_CHROMIUM}, so browser tests never
 * get skipped without a word.
 */
export function findChromium(host: ChromiumHost = systemHost): string {
  const configured = host.env.CHROMIUM_PATH;
  if (configured) {
    if (host.isExecutable(configured)) return configured;
    throw new Error(`CHROMIUM_PATH=${configured} is not an executable file. ${MISSING_CHROMIUM}`);
  }
  const found = host.candidates.find((path) => host.isExecutable(path));
  if (found) return found;
  if (!host.canInstallWithApt()) throw new Error(MISSING_CHROMIUM);
  host.log('--- no Chromium found: installing Debian chromium with apt-get for the browser tests');
  host.installWithApt();
  const installed = host.candidates.find((path) => host.isExecutable(path));
  if (!installed)
    throw new Error(`apt-get installed chromium but no binary is at ${host.candidates.join(' or ')}`);
  return installed;
}
