import { parseResourceUri } from '../cache/resource-uri.ts';

/**
 * A usage record's instanceData describes its resource: `{"Microsoft.Resources": {resourceUri, location, tags,
 * additionalInfo}}`. Stamps send `tags` and `additionalInfo` as `""`, `"null"`, JSON text (sometimes encoded twice) or,
 * from some producers, as objects. This module decodes those two fields (for the usage parser, which refuses what it
 * cannot read, and for the resources table, whose stored JSON is read back leniently) and turns a resource into what
 * people look for: its type, group and name, VM size, image and tags.
 */

/** An embedded tags / additionalInfo value: the object (null when empty) or why it is not one. */
export type EmbeddedObject = { value: Record<string, unknown> | null } | { problem: 'is not JSON' | 'is not a JSON object' };

const EMPTY: EmbeddedObject = Object.freeze({ value: null });

/** Decodes "", "null", JSON text (encoded once or twice) or an object; null/absent are empty. */
export function decodeEmbeddedObject(value: unknown): EmbeddedObject {
  let current = value;
  // Two levels of string encoding are seen on the wire; a third would be a producer bug worth refusing.
  for (let depth = 0; depth < 3 && typeof current === 'string'; depth++) {
    if (current === '' || current === 'null') return EMPTY;
    try {
      current = JSON.parse(current);
    } catch {
      return { problem: 'is not JSON' };
    }
  }
  if (current === undefined || current === null) return EMPTY;
  if (!isObject(current)) return { problem: 'is not a JSON object' };
  return { value: current };
}

/** Tag values are strings in ARM; a producer that sends a number or boolean still means its text. */
export function tagValues(tags: Record<string, unknown>): Record<string, string> {
  let allStrings = true;
  for (const k in tags) if (typeof tags[k] !== 'string') allStrings = false;
  if (allStrings) return tags as Record<string, string>;
  const out: Record<string, string> = {};
  for (const k in tags) {
    const v = tags[k];
    out[k] = typeof v === 'string' ? v : v === null ? '' : JSON.stringify(v);
  }
  return out;
}

export interface VmImage {
  publisher: string | null;
  offer: string | null;
  sku: string | null;
}

/** A resource as people describe it. */
export interface ResourceAttributes {
  /** e.g. `Microsoft.Compute/virtualMachines`; null when the URI is not an ARM resource ID. */
  resourceType: string | null;
  resourceGroup: string | null;
  resourceName: string | null;
  /** The VM size (additionalInfo `ServiceType`, e.g. `Standard_F2s`); null for other resources. */
  vmSize: string | null;
  /** The marketplace image a VM was created from (additionalInfo `Publisher`, `Offer`, `Sku`); null when none is named. */
  image: VmImage | null;
  /** Empty when the resource has none (or they cannot be read). */
  tags: Record<string, string>;
}

/** What a resource is described from: a parsed record's fields, or a resources row's URI and stored JSON columns. */
export interface ResourceFields {
  resourceUri: string;
  /** An object, JSON text in any of the wire shapes, or nothing. */
  tags: unknown;
  additionalInfo: unknown;
}

/**
 * Describes a resource. Never throws: a tags or additionalInfo value that cannot be read (a producer's bug, or an old
 * row) reads as empty, so one odd resource cannot take a page down; the usage parser is where such input is refused.
 */
export function resourceAttributes(fields: ResourceFields): ResourceAttributes {
  const parts = parseResourceUri(fields.resourceUri);
  const tags = decodeEmbeddedObject(fields.tags);
  const info = decodeEmbeddedObject(fields.additionalInfo);
  const additionalInfo = 'value' in info && info.value !== null ? info.value : {};
  const image: VmImage = {
    publisher: text(additionalInfo, 'publisher'),
    offer: text(additionalInfo, 'offer'),
    sku: text(additionalInfo, 'sku'),
  };
  return {
    resourceType: parts.type,
    resourceGroup: parts.resourceGroup,
    resourceName: parts.name,
    vmSize: text(additionalInfo, 'servicetype'),
    image: image.publisher === null && image.offer === null && image.sku === null ? null : image,
    tags: 'value' in tags && tags.value !== null ? tagValues(tags.value) : {},
  };
}

/** A non-empty string property, its name matched without regard to case (producers write ServiceType and serviceType). */
function text(o: Record<string, unknown>, lowerName: string): string | null {
  for (const key in o) {
    if (key.toLowerCase() !== lowerName) continue;
    const v = o[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
