import { findChromium } from './helpers/chromium.js';

/**
 * Runs once before the browser tests (vitest `globalSetup` of the e2e project): finds Chromium, or
 * installs Debian's as root, or stops the run with one line saying what to install. The path goes to the
 * test workers through the environment they inherit.
 */
export default function setup(): void {
  try {
    process.env.CHROMIUM_PATH = findChromium();
  } catch (error) {
    // The sentence is the whole story: a stack trace into vitest would only bury it.
    const failure = new Error(error instanceof Error ? error.message : String(error));
    failure.stack = failure.message;
    throw failure;
  }
}
