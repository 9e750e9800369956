// The JSON documents of the simulator's non-usage routes, in the shapes the real stamp returns (see the recordings):
// ARM metadata, provider and tenant subscriptions, directory tenants, fabric scale units and nodes.

import type { SyntheticStamp } from './stamp.ts';

/** The ARM metadata; `loginEndpoint` is {url}/adfs for AD FS or the identity host for Microsoft Entra ID. */
export function metadataEndpoints(stamp: SyntheticStamp, loginEndpoint: string): object {
  const host = `${stamp.region}.${stamp.domain}`;
  return {
    galleryEndpoint: `https://adminportal.${host}:30015/`,
    graphEndpoint: `https://graph.${host}/`,
    portalEndpoint: `https://adminportal.${host}/`,
    authentication: { loginEndpoint, audiences: [stamp.audience] },
  };
}

export function providerSubscriptions(stamp: SyntheticStamp): object {
  const id = stamp.providerSubscriptionId;
  return {
    value: [{
      id: `/subscriptions/${id}`,
      subscriptionId: id,
      displayName: 'Default Provider Subscription',
      state: 'Enabled',
      subscriptionPolicies: { locationPlacementId: 'AzureStack' },
    }],
  };
}

export function tenantSubscriptions(stamp: SyntheticStamp): object {
  const provider = stamp.providerSubscriptionId;
  return {
    // A deleted subscription is no longer listed.
    value: stamp.currentSubscriptions().map((s) => ({
      id: `/subscriptions/${provider}/providers/Microsoft.Subscriptions.Admin/subscriptions/${s.subscriptionId}`,
      subscriptionId: s.subscriptionId,
      delegatedProviderSubscriptionId: provider,
      displayName: s.displayName,
      externalReferenceId: '',
      owner: s.owner,
      tenantId: s.tenantId,
      routingResourceManagerType: 'Default',
      offerId: s.offerId,
      state: s.state,
    })),
  };
}

export function directoryTenants(stamp: SyntheticStamp): object {
  const base = `/subscriptions/${stamp.providerSubscriptionId}/resourceGroups/system.${stamp.region}/providers/` +
    'Microsoft.Subscriptions.Admin/directoryTenants';
  return {
    value: stamp.tenants.map((t) => ({
      id: `${base}/${t.domain}`,
      name: t.domain,
      type: 'Microsoft.Subscriptions.Admin/directoryTenants',
      location: stamp.region,
      properties: { tenantId: t.tenantId },
    })),
  };
}

/** ARM's locations of a subscription: an Azure Stack Hub stamp has one region (what Get-AzLocation lists). */
export function locations(stamp: SyntheticStamp): object {
  return {
    value: [{
      id: `/subscriptions/${stamp.providerSubscriptionId}/locations/${stamp.region}`,
      name: stamp.region,
      displayName: stamp.region,
    }],
  };
}

function fabricBase(stamp: SyntheticStamp, resourceGroupCasing: 'System' | 'system'): string {
  const group = `${resourceGroupCasing}.${stamp.region}`;
  return `/subscriptions/${stamp.providerSubscriptionId}/resourceGroups/${group}/providers/` +
    `Microsoft.Fabric.Admin/fabricLocations/${stamp.region}`;
}

export function scaleUnits(stamp: SyntheticStamp): object {
  const { fabric, region } = stamp;
  const cores = fabric.nodes.reduce((n, node) => n + node.cores, 0);
  // Sum in millionths of a GB: the per-node figures carry six decimals.
  const memoryGB = fabric.nodes.reduce((n, node) => n + Math.round(node.memoryGB * 1e6), 0) / 1e6;
  return {
    value: [{
      id: `${fabricBase(stamp, 'System')}/scaleUnits/${fabric.scaleUnitName}`,
      name: `${region}/${fabric.scaleUnitName}`,
      type: 'Microsoft.Fabric.Admin/fabricLocations/scaleUnits',
      location: region,
      tags: {},
      properties: {
        scaleUnitType: 'HyperConverged',
        logicalFaultDomain: 0,
        nodes: fabric.nodes.map((n) => `${fabricBase(stamp, 'system')}/scaleUnitNodes/${n.name}`),
        state: 'Running',
        totalCapacity: { memoryGB, cores },
        isMultiNode: fabric.nodes.length > 1,
      },
    }],
  };
}

export function scaleUnitNodes(stamp: SyntheticStamp): object {
  const { fabric, region } = stamp;
  return {
    value: fabric.nodes.map((n) => ({
      id: `${fabricBase(stamp, 'System')}/scaleUnitNodes/${n.name}`,
      name: `${region}/${n.name}`,
      type: 'Microsoft.Fabric.Admin/fabricLocations/scaleUnitNodes',
      location: region,
      tags: {},
      properties: {
        scaleUnitNodeStatus: 'Running',
        powerState: 'Running',
        bmcAddress: n.bmcAddress,
        scaleUnitName: `${region}/${fabric.scaleUnitName}`,
        scaleUnitUri: `/fabricLocations/${region}/scaleUnits/${fabric.scaleUnitName}`,
        canPowerOff: false,
        vendor: fabric.vendor,
        model: fabric.model,
        serialNumber: n.serialNumber,
        capacity: { memoryGB: n.memoryGB, cores: n.cores },
      },
    })),
  };
}
