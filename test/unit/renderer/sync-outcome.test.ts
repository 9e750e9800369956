import { describe, expect, it } from 'vitest';
import { describeOutcome, rangeProblem, toSyncRequest } from '../../../renderer/src/format/syncOutcome.ts';
import type { SyncChoice } from '../../../renderer/src/format/syncOutcome.ts';
import { syncRun } from './rows.ts';

const choice: SyncChoice = {
  connection: 'lab', granularity: 'Daily', mode: 'new', from: '2024-05-01', through: '2024-05-31', sweepDeleted: false,
};

describe('toSyncRequest', () => {
  it('leaves the dates out for new usage, so that the core syncs from the watermark', () => {
    expect(toSyncRequest(choice)).toEqual({ connection: 'lab', granularity: 'Daily' });
    expect(toSyncRequest({ ...choice, sweepDeleted: true })).toEqual({
      connection: 'lab', granularity: 'Daily', sweepDeleted: true,
    });
  });

  it('turns an inclusive range of days into the contract\'s exclusive end', () => {
    expect(toSyncRequest({ ...choice, mode: 'range' })).toEqual({
      connection: 'lab', granularity: 'Daily', from: '2024-05-01', to: '2024-06-01',
    });
  });

  it('checks the range only when one is asked for', () => {
    expect(rangeProblem({ mode: 'new', from: '', through: '' })).toBeNull();
    expect(rangeProblem({ mode: 'range', from: '', through: '2024-05-01' })).toBe('Choose both dates.');
  });
});

describe('describeOutcome', () => {
  it('counts what a successful sync fetched, and its retries', () => {
    const { severity, text, detail } = describeOutcome(syncRun({ retries: 1, inserted: 0, updated: 120, records: 120 }));
    expect(severity).toBe('success');
    expect(text).toBe('Sync finished: 120 records (0 new, 120 updated) from 3 subscribers in 1 min 00 s, after 1 retry.');
    // A toast's title says "finished" already.
    expect(detail).toBe('120 records (0 new, 120 updated) from 3 subscribers in 1 min 00 s, after 1 retry.');
  });

  it('gives each way of ending its own words', () => {
    expect(describeOutcome(syncRun({ status: 'partial', windows: 10, windowsDone: 9, windowErrors: ['x'] })).text)
      .toContain('1 window of 10 failed — the next sync retries them.');
    expect(describeOutcome(syncRun({ status: 'interrupted' })).text)
      .toContain('the next sync resumes it');
    expect(describeOutcome(syncRun({ status: 'cancelled' })).text).toContain('The records fetched so far are kept.');
    expect(describeOutcome(syncRun({ status: 'failed', error: 'The token endpoint refused the secret.' }))).toEqual({
      severity: 'error',
      text: 'Sync failed: The token endpoint refused the secret.',
      detail: 'The token endpoint refused the secret.',
    });
  });
});
