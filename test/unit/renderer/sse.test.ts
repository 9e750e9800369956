import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../../renderer/src/api/sse.ts';
import type { SseMessage } from '../../../renderer/src/api/sse.ts';

describe('createSseParser', () => {
  it('dispatches named events whose lines are split across chunks, ignoring comments', () => {
    const got: SseMessage[] = [];
    const parser = createSseParser((m) => got.push(m));
    parser.push(': heartbeat\n\nevent: sync:prog');
    parser.push('ress\ndata: {"runId":1,');
    parser.push('"percent":50}\r');
    parser.push('\n\r\nevent: sync:finished\ndata: {"id":1}\n');
    expect(got).toEqual([{ event: 'sync:progress', data: '{"runId":1,"percent":50}' }]);
    parser.push('\n');
    expect(got[1]).toEqual({ event: 'sync:finished', data: '{"id":1}' });
  });

  it('joins multi-line data', () => {
    const got: SseMessage[] = [];
    createSseParser((m) => got.push(m)).push('data: a\ndata: b\n\n');
    expect(got).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});
