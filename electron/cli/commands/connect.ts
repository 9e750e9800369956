import { readFileSync } from 'node:fs';
import { StackmeterError } from '../../shared/result.ts';
import { call } from '../call.ts';
import { EXIT, type Command } from '../command.ts';
import { textTable } from '../format.ts';

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

export const connectAddCommand: Command = {
  name: 'connect add',
  summary: 'Add a stamp: discover its sign-in from the ARM metadata, prove the credentials, store the connection',
  details:
    'The client secret is never stored: name the environment variable that holds it, and set that variable\n' +
    'wherever "stackmeter sync" runs. --ca adds the stamp\'s root CA to the system roots (verification stays on).',
  positionals: [{ name: 'name', description: 'A short name for the stamp, e.g. "prod-east"', required: true }],
  options: {
    arm: { type: 'string', placeholder: '<url>', description: 'ARM endpoint, e.g. https://adminmanagement.local.azurestack.external' },
    'client-id': { type: 'string', placeholder: '<id>', description: 'Application (client) ID of the service principal' },
    'client-secret-env': { type: 'string', placeholder: '<VAR>', description: 'Environment variable that holds the client secret' },
    ca: { type: 'string', placeholder: '<pem>', description: 'PEM file of the root CA that issued the stamp\'s certificates' },
    subscription: { type: 'string', placeholder: '<id>', description: 'Provider subscription ID (default: discovered via GET /subscriptions)' },
  },
  async run(ctx, options, [name]) {
    for (const required of ['arm', 'client-id', 'client-secret-env']) {
      if (typeof options[required] !== 'string') {
        throw new StackmeterError('INVALID_ARGUMENT', `--${required} is required. Run "stackmeter connect add --help".`);
      }
    }
    const row = await call(ctx.openCore(), 'connections:add', {
      name: name!,
      armEndpoint: options.arm as string,
      clientId: options['client-id'] as string,
      secret: { kind: 'env', variable: options['client-secret-env'] as string },
      caPem: typeof options.ca === 'string' ? readCaFile(options.ca) : undefined,
      subscriptionId: typeof options.subscription === 'string' ? options.subscription : undefined,
    });
    if (ctx.json) ctx.out(JSON.stringify(row, null, 2));
    else {
      ctx.out(`Added ${row.name}: ${row.armEndpoint}, signs in through ${row.authType === 'adfs' ? 'AD FS' : 'Microsoft Entra ID'} ` +
        `(${row.loginEndpoint}), provider subscription ${row.providerSubscriptionId}.`);
      ctx.out(`Next: stackmeter sync ${row.name} --from <YYYY-MM-DD>`);
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
    if (ctx.json) {
      ctx.out(JSON.stringify(rows, null, 2));
      return EXIT.ok;
    }
    if (rows.length === 0) {
      ctx.out('No stamps yet. Add one with "stackmeter connect add", or try "stackmeter demo".');
      return EXIT.ok;
    }
    ctx.out(textTable(
      ['name', 'ARM endpoint', 'sign-in', 'secret', 'CA', 'records', 'last sync'],
      rows.map((r) => [
        r.name,
        r.armEndpoint,
        r.authType === 'adfs' ? 'AD FS' : 'Entra ID',
        r.secretSource,
        r.caSubject ?? 'system roots',
        r.records,
        r.lastSync ? `${r.lastSync.status} ${r.lastSync.startedAt}` : 'never',
      ]),
    ));
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
