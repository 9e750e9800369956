import { describe, expect, it } from 'vitest';
import { parseResourceUri } from '../../../electron/core/cache/resource-uri.ts';

describe('parseResourceUri', () => {
  it('reads type, group and name whatever the casing of resourcegroups', () => {
    const vm = '/subscriptions/85b30745-672b-438c-8a3a-9b9ca4f3537a/resourceGroups/vaasrgef3f/providers/'
      + 'Microsoft.Compute/virtualMachines/VMServer0';
    expect(parseResourceUri(vm)).toEqual({
      type: 'Microsoft.Compute/virtualMachines',
      resourceGroup: 'vaasrgef3f',
      name: 'VMServer0',
    });
    const sa = '/subscriptions/s/resourcegroups/vaasrg66a8/providers/Microsoft.Storage/storageAccounts/savaasrg66a8';
    expect(parseResourceUri(sa)).toEqual({
      type: 'Microsoft.Storage/storageAccounts',
      resourceGroup: 'vaasrg66a8',
      name: 'savaasrg66a8',
    });
  });

  it('joins child resource types and names', () => {
    expect(parseResourceUri('/subscriptions/s/resourceGroups/g/providers/Microsoft.Sql/servers/srv/databases/db')).toEqual({
      type: 'Microsoft.Sql/servers/databases',
      resourceGroup: 'g',
      name: 'srv/db',
    });
  });

  it('gives nulls for what the URI does not say', () => {
    expect(parseResourceUri('')).toEqual({ type: null, resourceGroup: null, name: null });
    expect(parseResourceUri('/subscriptions/s/resourceGroups/g')).toEqual({ type: null, resourceGroup: 'g', name: null });
  });
});
