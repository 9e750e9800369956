import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../electron/cli/call.ts';
import { startSimulator, type RunningSimulator } from '../../electron/core/simulator/index.ts';
import type { Core } from '../../electron/core/types.ts';
import { addSimulator, openCore, SECRET } from './sync-helpers.ts';

// Reading the physical cores from the simulator's Microsoft.Fabric.Admin API over real HTTPS (its own CA, trusted by
// the connection), as the capacity model form's "Read from Fabric" does.

let dir: string;
let sim: RunningSimulator;
let core: Core;
const clock = { now: () => new Date('2026-11-22T10:00:00Z') };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stackmeter-fabric-'));
  sim = await startSimulator({ clientSecret: SECRET, tenants: 2, fabric: { nodes: 3, coresPerNode: 56 } });
  core = openCore(dir, 'cache.db', clock);
  await addSimulator(core, sim, 'dark');
});

afterAll(async () => {
  await core.close();
  await sim.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('cores from Microsoft.Fabric.Admin', () => {
  it('sums the scale unit nodes\' cores and names where the figure came from, saving nothing', async () => {
    const fabric = await call(core, 'capacity:readCores', 'dark');
    expect(fabric.cores).toBe(168);
    expect(fabric.nodes).toHaveLength(3);
    expect(fabric.nodes.every((n) => n.cores === 56 && n.scaleUnit === 's-cluster' && n.status === 'Running'))
      .toBe(true);
    expect(fabric.scaleUnits).toEqual([{ name: 's-cluster', cores: 168, nodeCount: 3 }]);
    expect(fabric.storageGB).toBeNull();
    expect(fabric.source).toContain(`location ${sim.stamp.region}`);
    expect(fabric.source).toContain('api-version 2020-10-01');
    expect(await call(core, 'capacity:get', 'dark')).toBeNull();
  });

  it('an unreachable stamp is a network error, so the user enters the cores by hand', async () => {
    await sim.close();
    await expect(call(core, 'capacity:readCores', 'dark')).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
