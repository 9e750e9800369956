import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../electron/cli/commands/index.ts';
import { commandHelp, generalHelp } from '../../../electron/cli/help.ts';
import { main } from '../../../electron/cli/main.ts';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('CLI help', () => {
  it('documents every command in the README exactly as `stackmeter <command> --help` prints it', () => {
    for (const cmd of COMMANDS) {
      expect(README, `README section for "${cmd.name}"`).toContain(`### stackmeter ${cmd.name}\n\n\`\`\`text\n${commandHelp(cmd)}\n\`\`\``);
    }
  });

  it('lists every command in `stackmeter --help`', () => {
    const help = generalHelp(COMMANDS);
    for (const cmd of COMMANDS) expect(help).toMatch(new RegExp(`^  ${cmd.name}\\s+${cmd.summary.slice(0, 20)}`, 'm'));
  });

  it('names every option of a command in its help', () => {
    for (const cmd of COMMANDS) {
      for (const name of Object.keys(cmd.options)) expect(commandHelp(cmd)).toContain(`--${name}`);
    }
  });

  it('answers an unknown command or a bad flag with usage exit code 2', async () => {
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['sync', 'x', '--frobnicate'])).toBe(2);
    expect(await main(['connect'])).toBe(2);
  });
});
