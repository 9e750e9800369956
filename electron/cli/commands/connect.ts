import { readFileSync } from 'node:fs';
import type { ApiKind, CredentialInput } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type Command, type OptionValues } from '../command.ts';
import { printList } from '../format.ts';
import { textOption } from '../options.ts';

/** Reads a PEM file named on the command line, refusing anything that holds no certificate. */
export function readCaFile(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    throw new StackmeterError('INVALID_ARGUMENT', `--ca ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new StackmeterError('INVALID_ARGUMENT', `--ca ${path}: the file holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  }
  return pem;
}

/** The credential options of `connect add`; exactly one is given. */
const CREDENTIAL_OPTIONS: Record<string, (value: string) => CredentialInput> = {
  'client-secret-env': (variable) => ({ type: 'secret', source: { kind: 'env', variable } }),
  'client-secret-file': (path) => ({ type: 'secret', source: { kind: 'file', path } }),
  'certificate-env': (variable) => ({ type: 'certificate', source: { kind: 'env', variable } }),
  'certificate-file': (path) => ({ type: 'certificate', source: { kind: 'file', path } }),
};

function credentialOption(options: OptionValues): CredentialInput {
  const given = Object.keys(CREDENTIAL_OPTIONS).filter((name) => typeof options[name] === 'string');
  if (given.length !== 1) {
    const list = Object.keys(CREDENTIAL_OPTIONS).map((name) => `--${name}`).join(', ');
    throw new StackmeterError(
      'INVALID_ARGUMENT',
      given.length === 0
        ? `A credential is required: give one of ${list}.`
        : `Give only one credential; got ${given.map((name) => `--${name}`).join(' and ')}.`,
    );
  }
  const name = given[0] as string;
  return CREDENTIAL_OPTIONS[name](options[name] as string);
}

function kindOption(value: OptionValues[string]): ApiKind | undefined {
  if (value === undefined) return undefined;
  if (value === 'operator' || value === 'tenant') return value;
  throw new StackmeterError('INVALID_ARGUMENT', `--kind must be operator or tenant, not ${JSON.stringify(value)}.`);
}

export const connectAddCommand: Command = {
  name: 'connect add',
  summary: 'Add a stamp: discover its sign-in from the ARM metadata, prove the credentials, store the connection',
  details:
    'The credential is never stored: name the environment variable or the owner-only file (chmod 600) that\n' +
    'holds it, and make it available wherever "stackmeter sync" runs. A certificate credential is one PEM file\n' +
    'with the certificate and its unencrypted private key. AD FS or Microsoft Entra ID is discovered from the\n' +
    'stamp; Entra ID also needs --tenant. --kind tenant reads the tenant usage API on the management endpoint\n' +
    '(the subscriptions the principal sees, or --subscription). --ca adds the stamp\'s root CA bundle to the\n' +
    'system roots (verification stays on). Without --proxy, HTTPS_PROXY and NO_PROXY apply.',
  positionals: [{ name: 'name', description: 'A short name for the stamp, e.g. "prod-east"', required: true }],
  options: {
    arm: { type: 'string', placeholder: '<url>', description: 'ARM endpoint, e.g. https://adminmanagement.local.azurestack.external' },
    kind: { type: 'string', placeholder: '<kind>', description: 'operator (adminmanagement, all tenants; default) or tenant (management)' },
    'client-id': { type: 'string', placeholder: '<id>', description: 'Application (client) ID of the service principal' },
    tenant: { type: 'string', placeholder: '<id>', description: 'Microsoft Entra ID directory (GUID or domain); required for Entra ID stamps' },
    'client-secret-env': { type: 'string', placeholder: '<VAR>', description: 'Environment variable that holds the client secret' },
    'client-secret-file': { type: 'string', placeholder: '<path>', description: 'Owner-only file that holds the client secret' },
    'certificate-env': { type: 'string', placeholder: '<VAR>', description: 'Environment variable that holds the certificate and key (PEM)' },
    'certificate-file': { type: 'string', placeholder: '<pem>', description: 'Owner-only PEM file with the certificate and its private key' },
    ca: { type: 'string', placeholder: '<pem>', description: 'PEM file of the root CA(s) that issued the stamp\'s certificates' },
    proxy: { type: 'string', placeholder: '<url>', description: 'HTTP(S) proxy for this stamp (default: HTTPS_PROXY / NO_PROXY)' },
    subscription: { type: 'string', placeholder: '<id>', description: 'Operator: provider subscription (default: discovered); tenant: the one to read' },
  },
  async run(ctx, options, [name]) {
    for (const required of ['arm', 'client-id']) {
      if (typeof options[required] !== 'string') {
        throw new StackmeterError('INVALID_ARGUMENT', `--${required} is required. Run "stackmeter connect add --help".`);
      }
    }
    const row = await call(ctx.openCore(), 'connections:add', {
      name: name!,
      armEndpoint: options.arm as string,
      kind: kindOption(options.kind),
      clientId: options['client-id'] as string,
      credential: credentialOption(options),
      tenantId: textOption(options, 'tenant'),
      caPem: typeof options.ca === 'string' ? readCaFile(options.ca) : undefined,
      proxy: textOption(options, 'proxy'),
      subscriptionId: textOption(options, 'subscription'),
    });
    if (ctx.json) ctx.out(JSON.stringify(row, null, 2));
    else {
      const signIn = row.authType === 'adfs' ? 'AD FS' : `Microsoft Entra ID (directory ${row.tenantId})`;
      const reads = row.kind === 'operator'
        ? `provider subscription ${row.providerSubscriptionId}`
        : row.providerSubscriptionId ? `tenant subscription ${row.providerSubscriptionId}` : 'every subscription it sees';
      ctx.out(`Added ${row.name}: ${row.armEndpoint}, signs in through ${signIn} (${row.loginEndpoint}) with a ` +
        `${row.credentialType === 'secret' ? 'client secret' : 'certificate'} from ${row.secretSource}, reads ${reads}.`);
      ctx.out(`Next: stackmeter sync ${row.name}   (the first sync fetches the last 31 days)`);
    }
    return EXIT.ok;
  },
};

export const connectListCommand: Command = {
  name: 'connect list',
  summary: 'List the stamps in the cache with their records and last sync',
  positionals: [],
  options: {},
  async run(ctx) {
    const rows = await call(ctx.openCore(), 'connections:list');
    printList(ctx, rows, {
      empty: 'No stamps yet. Add one with "stackmeter connect add", or try "stackmeter demo".',
      headers: ['name', 'kind', 'ARM endpoint', 'sign-in', 'credential', 'CA', 'records', 'last sync'],
      row: (r) => [
        r.name,
        r.kind,
        r.armEndpoint,
        r.authType === 'adfs' ? 'AD FS' : `Entra ID ${r.tenantId}`,
        `${r.credentialType} ${r.secretSource}`,
        r.caSubject ?? 'system roots',
        r.records,
        r.lastSync ? `${r.lastSync.status} ${r.lastSync.startedAt}` : 'never',
      ],
    });
    return EXIT.ok;
  },
};

export const connectRemoveCommand: Command = {
  name: 'connect remove',
  summary: 'Remove a stamp and everything cached from it (usage, subscriptions, sync history)',
  positionals: [{ name: 'name', description: 'The stamp to remove', required: true }],
  options: {},
  async run(ctx, _options, [name]) {
    await call(ctx.openCore(), 'connections:remove', name!);
    if (ctx.json) ctx.out(JSON.stringify({ removed: name }));
    else ctx.out(`Removed ${name} and its cached usage.`);
    return EXIT.ok;
  },
};
