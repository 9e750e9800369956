import { electronForTests } from './availability.ts';

/** Prints, once and before any test, whether the desktop app can be launched here, and why not. */
export default function globalSetup(): void {
  const electron = electronForTests();
  console.log('missing' in electron ? `\n${electron.missing}\n` : `\nLaunching the desktop app with ${electron.binary}\n`);
}
