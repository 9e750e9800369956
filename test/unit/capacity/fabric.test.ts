import { describe, expect, it } from 'vitest';
import type { ArmClient } from '../../../electron/core/azure/arm.ts';
import { readFabricCapacity } from '../../../electron/core/azure/fabric.ts';

// The Fabric admin answers in the shape Get-AzsScaleUnitNode recorded on a real stamp (Dell R740xd nodes, 64 cores
// each), served by a fake ARM client that also pages the node list with nextLink.

const SUB = '1aea8c7b-4989-4d43-8aca-6a3349d4bb20';
const BASE = `/subscriptions/${SUB}/resourceGroups/System.redmond/providers/Microsoft.Fabric.Admin/fabricLocations/redmond`;

const node = (name: string, cores: unknown) => ({
  id: `${BASE}/scaleUnitNodes/${name}`, name: `redmond/${name}`,
  type: 'Microsoft.Fabric.Admin/fabricLocations/scaleUnitNodes', location: 'redmond', tags: {},
  properties: {
    scaleUnitNodeStatus: 'Running', powerState: 'Running', scaleUnitName: 'redmond/s-cluster',
    scaleUnitUri: '/fabricLocations/redmond/scaleUnits/s-cluster', vendor: 'DELL', model: 'PowerEdge R740xd',
    capacity: { memoryGB: 766.460938, cores },
  },
});

function fakeArm(pages: Record<string, unknown>): ArmClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    armEndpoint: 'https://adminmanagement.redmond.example',
    asked,
    async get(path) {
      asked.push(path);
      const body = pages[path];
      if (body === undefined) throw new Error(`unexpected ${path}`);
      return JSON.stringify(body);
    },
  };
}

const pages = (nodes: unknown[][]): Record<string, unknown> => ({
  [`/subscriptions/${SUB}/locations?api-version=2016-05-01`]: { value: [{ name: 'redmond' }] },
  [`${BASE}/scaleUnits?api-version=2020-10-01`]: {
    value: [{ name: 'redmond/s-cluster', properties: { totalCapacity: { memoryGB: 3065.84375, cores: 256 } } }],
  },
  [`${BASE}/scaleUnitNodes?api-version=2020-10-01`]: { value: nodes[0], nextLink: `${BASE}/scaleUnitNodes?page=2` },
  [`${BASE}/scaleUnitNodes?page=2`]: { value: nodes[1] },
});

describe('readFabricCapacity', () => {
  it('sums the cores of every node across pages, under the stamp\'s region', async () => {
    const arm = fakeArm(pages([[node('ASRR1S45R12U09', 64), node('ASRR1S45R12U11', 64)],
      [node('ASRR1S45R12U13', 64), node('ASRR1S45R12U15', 64)]]));
    const read = await readFabricCapacity(arm, SUB, 'redmond', new Date('2026-11-22T10:00:00Z'));
    expect(read.cores).toBe(256);
    expect(read.nodes.map((n) => [n.name, n.cores, n.scaleUnit, n.model])).toEqual([
      ['ASRR1S45R12U09', 64, 's-cluster', 'DELL PowerEdge R740xd'],
      ['ASRR1S45R12U11', 64, 's-cluster', 'DELL PowerEdge R740xd'],
      ['ASRR1S45R12U13', 64, 's-cluster', 'DELL PowerEdge R740xd'],
      ['ASRR1S45R12U15', 64, 's-cluster', 'DELL PowerEdge R740xd'],
    ]);
    expect(read.scaleUnits).toEqual([{ name: 's-cluster', cores: 256, nodeCount: 4 }]);
    expect(read.source).toBe('Microsoft.Fabric.Admin scale unit nodes of location redmond on '
      + 'https://adminmanagement.redmond.example (api-version 2020-10-01), read 2026-11-22T10:00:00.000Z');
  });

  it('refuses a node whose cores are not a whole number, naming the node', async () => {
    const arm = fakeArm(pages([[node('ASRR1S45R12U09', 64)], [node('ASRR1S45R12U11', '64')]]));
    await expect(readFabricCapacity(arm, SUB, 'redmond', new Date()))
      .rejects.toThrow('Scale unit node ASRR1S45R12U11: capacity.cores is "64", not a whole number.');
  });

  it('says so when the fabric lists no node, rather than reporting zero cores', async () => {
    const arm = fakeArm(pages([[], []]));
    await expect(readFabricCapacity(arm, SUB, 'redmond', new Date())).rejects.toThrow(/lists no scale unit nodes/);
  });
});
