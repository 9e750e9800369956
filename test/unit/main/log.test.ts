import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppLogger, formatLogLine, LOG_ROTATE_BYTES } from '../../../electron/main/log.ts';

const scratch = mkdtempSync(join(tmpdir(), 'stackmeter-log-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('createAppLogger', () => {
  it('writes each entry to stderr and to <logs>/stackmeter.log, creating the folder', () => {
    const dir = join(scratch, 'a', 'logs');
    const stderr: string[] = [];
    const log = createAppLogger(dir, (line) => stderr.push(line));
    log.warn('Refused to leave the console', { what: 'navigation', url: 'https://evil.example/' });
    log.error('Closing the cache failed');
    const lines = readFileSync(join(dir, 'stackmeter.log'), 'utf8').trimEnd().split('\n');
    expect(lines).toEqual(stderr);
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z warn Refused to leave the console \{"what":"navigation","url":"https:\/\/evil\.example\/"\}$/);
    expect(lines[1]).toMatch(/ error Closing the cache failed$/);
  });

  it('starts a new file past the size limit, keeping one previous file', () => {
    const dir = join(scratch, 'b');
    const log = createAppLogger(dir, () => {});
    log.info('first');
    writeFileSync(join(dir, 'stackmeter.log'), 'x'.repeat(LOG_ROTATE_BYTES + 1));
    log.info('after the limit');
    expect(readdirSync(dir).sort()).toEqual(['stackmeter.1.log', 'stackmeter.log']);
    expect(readFileSync(join(dir, 'stackmeter.log'), 'utf8')).toMatch(/ info after the limit\n$/);
  });

  it('keeps logging to stderr when the folder cannot be written, saying so once', () => {
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, '');
    const stderr: string[] = [];
    const log = createAppLogger(join(blocker, 'logs'), (line) => stderr.push(line));
    log.info('one');
    log.info('two');
    expect(stderr.filter((line) => line.includes('cannot be written'))).toHaveLength(1);
    expect(stderr.filter((line) => / info (one|two)$/.test(line))).toHaveLength(2);
  });
});

describe('formatLogLine', () => {
  it('puts time, level, message and fields on one line', () => {
    expect(formatLogLine('info', 'Started', { version: '1.0.0' }, new Date('2026-11-22T10:00:00Z')))
      .toBe('2026-11-22T10:00:00.000Z info Started {"version":"1.0.0"}');
  });
});
