import { StackmeterError } from '../../shared/result.ts';
import { decodeEmbeddedObject, tagValues } from '../resources/instance-data.ts';

/** One usage aggregate as the cache stores it: decoded, validated, quantity kept exactly as sent. */
export interface UsageRecord {
  /** Lower-case GUID. */
  subscriptionId: string;
  /** As received (mixed case, with or without hyphens); the cache writer canonicalises it. */
  meterId: string;
  /** Unix seconds, UTC. */
  usageStart: number;
  usageEnd: number;
  /** The exact decimal text sent on the wire (JSON number text), e.g. "16.461425899527967". */
  quantityText: string;
  /** '' when the record carries no instanceData. */
  resourceUri: string;
  location: string | null;
  tags: Record<string, string> | null;
  additionalInfo: Record<string, unknown> | null;
}

export interface UsagePage {
  records: UsageRecord[];
  /** The next page's URL, or null on the last page. */
  nextLink: string | null;
}

/**
 * Parses one page of `usageAggregates` / `subscriberUsageAggregates` (the REST shape with a `properties` wrapper, or the
 * flattened shape PowerShell's ConvertTo-Json writes, properties beside Id/Name/Type in either casing). Anything malformed
 * throws BAD_INPUT naming `source`, the record's index in `value` and the field.
 */
export function parseUsagePage(text: string, source: string): UsagePage {
  return usagePageFromJson(parseUsageJson(text, source), source);
}

// JSON.parse turns 49.384346361272037 into the nearest double and loses the text. Before parsing, the number after every
// "quantity" key is wrapped in quotes so it arrives as the exact string. The match cannot misfire inside a string value:
// a quote inside a JSON string is always escaped (\"), so `"quantity":` with bare quotes only occurs as a real key (the
// one contrived exception, a key ending in \"quantity, is a key we never read; a quantity key nested in an instanceData
// sent as an object, not a string, would also arrive as text). On a 1,000-record page this parses 2.5-3x faster than a
// reviver reading `context.source`, which V8 calls for every value of the page.
const QUANTITY_NUMBER = /("[Qq]uantity"\s*:\s*)(-?[0-9][0-9.eE+-]*)/g;

/** JSON.parse of a usage document with every `quantity` number kept as its exact text. */
export function parseUsageJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text.replace(QUANTITY_NUMBER, '$1"$2"'));
  } catch (err) {
    // Report the error against the original text: quoting shifts positions, so re-parse it for the message.
    let reason = err instanceof Error ? err.message : String(err);
    try {
      JSON.parse(text);
    } catch (original) {
      if (original instanceof Error) reason = original.message;
    }
    throw new StackmeterError('BAD_INPUT', `${source}: not valid JSON (${reason})`);
  }
}

/** Validates and decodes an already parsed page (see parseUsageJson). */
export function usagePageFromJson(json: unknown, source: string): UsagePage {
  if (!isObject(json)) throw new StackmeterError('BAD_INPUT', `${source}: expected an object with a "value" array`);
  const value = json.value ?? json.Value;
  if (!Array.isArray(value)) throw new StackmeterError('BAD_INPUT', `${source}: expected an object with a "value" array`);
  const nextLink = json.nextLink ?? json.NextLink ?? null;
  if (nextLink !== null && typeof nextLink !== 'string') {
    throw new StackmeterError('BAD_INPUT', `${source}: nextLink ${describe(nextLink)} is not a URL or null`);
  }
  const decoder = new RecordDecoder(source);
  const records = new Array<UsageRecord>(value.length);
  for (let i = 0; i < value.length; i++) records[i] = decoder.decode(value[i], i);
  return { records, nextLink: nextLink || null };
}

interface Resource {
  resourceUri: string;
  location: string | null;
  tags: Record<string, string> | null;
  additionalInfo: Record<string, unknown> | null;
}

const NO_RESOURCE: Resource = Object.freeze({ resourceUri: '', location: null, tags: null, additionalInfo: null });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
// 2019-12-10T18:00:00+00:00, ...Z, ...18:00:00.0000000+00:00 (the wire forms); seconds and offset are required.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;
// Windows PowerShell 5.1's ConvertTo-Json writes DateTime as \/Date(1575997200000)\/, optionally with an offset.
const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/**
 * Decodes records of one page. Per page it remembers decoded times and instanceData strings: a page repeats the same
 * hour and, for VMs, the same instanceData for several meters, so the repeats cost a Map lookup instead of a parse.
 * Records that share an instanceData string share its decoded tags/additionalInfo objects (treat them as read-only).
 */
class RecordDecoder {
  readonly source: string;
  readonly times = new Map<string, number>();
  readonly resources = new Map<string, Resource>();

  constructor(source: string) {
    this.source = source;
  }

  decode(raw: unknown, index: number): UsageRecord {
    if (!isObject(raw)) throw this.error(index, `is ${describe(raw)}, not an object`);
    const p = isObject(raw.properties) ? raw.properties : raw;

    const subscriptionId = field(p, 'subscriptionId', 'SubscriptionId');
    if (typeof subscriptionId !== 'string' || !GUID.test(subscriptionId)) {
      throw this.invalid(index, 'subscriptionId', subscriptionId, 'is not a subscription GUID');
    }
    const meterId = field(p, 'meterId', 'MeterId');
    if (typeof meterId !== 'string' || meterId.trim() === '') {
      throw this.invalid(index, 'meterId', meterId, 'is not a meter ID');
    }
    const usageStart = this.time(p, 'usageStartTime', 'UsageStartTime', index);
    const usageEnd = this.time(p, 'usageEndTime', 'UsageEndTime', index);
    if (usageEnd <= usageStart) {
      throw this.invalid(index, 'usageEndTime', field(p, 'usageEndTime', 'UsageEndTime'), 'is not after usageStartTime');
    }
    const quantity = field(p, 'quantity', 'Quantity');
    if (typeof quantity === 'number') {
      // Only reachable when a caller parsed the text with plain JSON.parse: the digits are already gone.
      throw new StackmeterError('INTERNAL', `${this.source}: quantity was parsed as a float; use parseUsageJson`);
    }
    if (typeof quantity !== 'string' || !JSON_NUMBER.test(quantity)) {
      throw this.invalid(index, 'quantity', quantity, 'is not a number');
    }
    const resource = this.resource(field(p, 'instanceData', 'InstanceData'), index);
    return {
      subscriptionId: subscriptionId.toLowerCase(),
      meterId: meterId.trim(),
      usageStart,
      usageEnd,
      quantityText: quantity,
      resourceUri: resource.resourceUri,
      location: resource.location,
      tags: resource.tags,
      additionalInfo: resource.additionalInfo,
    };
  }

  time(p: Record<string, unknown>, name: string, pascal: string, index: number): number {
    const value = field(p, name, pascal);
    if (typeof value === 'string') {
      const known = this.times.get(value);
      if (known !== undefined) return known;
      const seconds = parseTime(value);
      if (seconds !== null) {
        this.times.set(value, seconds);
        return seconds;
      }
    }
    throw this.invalid(index, name, value, 'is not an ISO time');
  }

  resource(instanceData: unknown, index: number): Resource {
    if (instanceData === undefined || instanceData === null || instanceData === '' || instanceData === 'null') {
      return NO_RESOURCE;
    }
    if (typeof instanceData === 'string') {
      const known = this.resources.get(instanceData);
      if (known) return known;
      let parsed: unknown;
      try {
        parsed = JSON.parse(instanceData);
      } catch {
        throw this.invalid(index, 'instanceData', instanceData, 'is not JSON');
      }
      const resource = this.resourceFromObject(parsed, index);
      this.resources.set(instanceData, resource);
      return resource;
    }
    return this.resourceFromObject(instanceData, index);
  }

  resourceFromObject(instanceData: unknown, index: number): Resource {
    if (!isObject(instanceData)) throw this.invalid(index, 'instanceData', instanceData, 'is not an object');
    const keys = Object.keys(instanceData);
    if (keys.length === 0) return NO_RESOURCE;
    const key = keys.find((k) => k.toLowerCase() === 'microsoft.resources');
    if (key === undefined) throw this.error(index, 'instanceData has no "Microsoft.Resources" object');
    const r = instanceData[key];
    if (r === null) return NO_RESOURCE;
    if (!isObject(r)) throw this.invalid(index, 'instanceData."Microsoft.Resources"', r, 'is not an object');
    const resourceUri = field(r, 'resourceUri', 'ResourceUri') ?? '';
    if (typeof resourceUri !== 'string') {
      throw this.invalid(index, 'instanceData.resourceUri', resourceUri, 'is not a string');
    }
    const location = field(r, 'location', 'Location') ?? null;
    if (location !== null && typeof location !== 'string') {
      throw this.invalid(index, 'instanceData.location', location, 'is not a string');
    }
    const tags = this.embeddedObject(field(r, 'tags', 'Tags'), 'tags', index);
    return {
      resourceUri,
      location: location || null,
      tags: tags && tagValues(tags),
      additionalInfo: this.embeddedObject(field(r, 'additionalInfo', 'AdditionalInfo'), 'additionalInfo', index),
    };
  }

  /** tags / additionalInfo: "", "null", JSON text (sometimes encoded twice) or an object; null when empty. */
  embeddedObject(value: unknown, name: string, index: number): Record<string, unknown> | null {
    const decoded = decodeEmbeddedObject(value);
    if ('problem' in decoded) throw this.invalid(index, `instanceData.${name}`, value, decoded.problem);
    return decoded.value;
  }

  /** e.g. `page.json: record 17: usageStartTime "yesterday" is not an ISO time`, or `...: meterId is missing`. */
  invalid(index: number, name: string, value: unknown, complaint: string): StackmeterError {
    return this.error(index, value === undefined ? `${name} is missing` : `${name} ${describe(value)} ${complaint}`);
  }

  error(index: number, message: string): StackmeterError {
    return new StackmeterError('BAD_INPUT', `${this.source}: record ${index}: ${message}`);
  }
}

/** Unix seconds of a wire time, or null when it is not one. Fractions of a second are dropped (the API sends zeros). */
export function parseTime(text: string): number | null {
  const m = ISO_TIME.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, , zone] = m;
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = Number(s);
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
    const ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
    // Date.UTC rolls 2019-02-30 over into March; a date that does not survive the round trip is not a date.
    if (new Date(ms).getUTCDate() !== day) return null;
    let offset = 0;
    if (zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const oh = Number(zone.slice(1, 3));
      const om = Number(zone.slice(4, 6));
      if (oh > 23 || om > 59) return null;
      offset = sign * (oh * 3600 + om * 60);
    }
    return ms / 1000 - offset;
  }
  const legacy = MS_DATE.exec(text);
  if (legacy) return Math.floor(Number(legacy[1]) / 1000);
  return null;
}

function field(o: Record<string, unknown>, name: string, pascal: string): unknown {
  const v = o[name];
  return v === undefined ? o[pascal] : v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short rendering of an offending value for an error message. */
function describe(v: unknown): string {
  let text: string;
  if (typeof v === 'string') text = JSON.stringify(v);
  else if (v === null) text = 'null';
  else if (Array.isArray(v)) text = 'an array';
  else if (typeof v === 'object') text = 'an object';
  else text = String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
