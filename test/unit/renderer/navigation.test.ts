import { describe, expect, it } from 'vitest';
import { hashOf, placeFromHash } from '../../../renderer/src/stores/navigation.ts';

describe('console navigation in the URL fragment', () => {
  it('reads side-bar views and detail pages with what they show', () => {
    expect(placeFromHash('#/meters')).toEqual({ view: 'meters', param: null });
    expect(placeFromHash('#/meter/9cd92d4c-bafd-4492-b278-bedc2de8232a'))
      .toEqual({ view: 'meter', param: '9cd92d4c-bafd-4492-b278-bedc2de8232a' });
    const uri = '/subscriptions/1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm 1';
    expect(placeFromHash(hashOf({ view: 'resource', param: uri }))).toEqual({ view: 'resource', param: uri });
  });

  it('falls back to the overview for unknown places and detail pages without a subject', () => {
    expect(placeFromHash('')).toEqual({ view: 'overview', param: null });
    expect(placeFromHash('#/nowhere')).toEqual({ view: 'overview', param: null });
    expect(placeFromHash('#/meter')).toEqual({ view: 'overview', param: null });
  });
});
