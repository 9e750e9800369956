import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FAULT_PROFILES, isFaultProfile, startSimulator } from '../../core/simulator/index.ts';
import { StackmeterError } from '../../shared/result.ts';
import { EXIT, type Command } from '../command.ts';
import { intOption, textOption } from '../options.ts';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Run a simulated Azure Stack Hub (ARM, AD FS, usage, subscriptions, fabric) over HTTPS on 127.0.0.1',
  details:
    'The simulator makes its own CA and writes it to --ca-out; clients must trust it explicitly (--ca). Its usage\n' +
    'is deterministic for a given --seed. --faults makes it behave like a troubled stamp (throttling, 5xx,\n' +
    'gateway timeouts on all-tenant queries, dropped connections, slow or truncated pages, expiring tokens,\n' +
    'duplicated pages, late rows; chaos: all at low rates), the same way for the same seed. It runs until Ctrl-C.',
  positionals: [],
  options: {
    port: { type: 'string', placeholder: '<n>', description: 'Port to listen on (default: any free port)' },
    seed: { type: 'string', placeholder: '<n>', description: 'Seed of the synthetic stamp (default: 1)' },
    tenants: { type: 'string', placeholder: '<n>', description: 'Number of tenants (default: 6)' },
    scale: { type: 'string', placeholder: '<n>', description: 'Multiplies the resources per subscription (default: 1)' },
    'client-id': { type: 'string', placeholder: '<id>', description: 'Client ID the simulated AD FS accepts (default: stackmeter-demo)' },
    'client-secret-env': {
      type: 'string',
      placeholder: '<VAR>',
      description: 'Environment variable holding the secret it accepts (default: STACKMETER_SIM_SECRET; made up when unset)',
    },
    'ca-out': { type: 'string', placeholder: '<file>', description: 'Where to write the CA certificate (default: ./stackmeter-simulator-ca.pem)' },
    faults: {
      type: 'string',
      placeholder: '<profile>',
      description: `Inject failures: ${FAULT_PROFILES.join(', ')} (default: none)`,
    },
  },
  async run(ctx, options) {
    const faults = options.faults;
    if (faults !== undefined && (typeof faults !== 'string' || !isFaultProfile(faults))) {
      throw new StackmeterError('INVALID_ARGUMENT', `--faults must be one of ${FAULT_PROFILES.join(', ')}, not "${String(faults)}".`);
    }
    const secretVar = textOption(options, 'client-secret-env') ?? 'STACKMETER_SIM_SECRET';
    const givenSecret = process.env[secretVar];
    const clientSecret = givenSecret || randomBytes(18).toString('base64url');
    const sim = await startSimulator({
      port: intOption(options, 'port', 0),
      seed: intOption(options, 'seed', 1),
      tenants: intOption(options, 'tenants', 6),
      scale: intOption(options, 'scale', 1),
      clientId: textOption(options, 'client-id'),
      clientSecret,
      faults,
    });
    const caPath = resolve(textOption(options, 'ca-out') ?? 'stackmeter-simulator-ca.pem');
    writeFileSync(caPath, sim.caPem);
    if (ctx.json) {
      ctx.out(JSON.stringify({ url: sim.url, caFile: caPath, clientId: sim.clientId, secretVariable: secretVar,
        providerSubscriptionId: sim.providerSubscriptionId }));
    } else {
      ctx.out(`Simulated Azure Stack Hub at ${sim.url} (CA: ${caPath})${faults ? `, injecting faults: ${faults}` : ''}`);
      // The secret belongs to this throw-away simulator only; it is shown so that another shell can connect to it.
      if (!givenSecret) ctx.out(`Its AD FS accepts this secret:  export ${secretVar}=${clientSecret}`);
      ctx.out(`Connect:  stackmeter connect add sim --arm ${sim.url} --client-id ${sim.clientId} ` +
        `--client-secret-env ${secretVar} --ca ${caPath}`);
      ctx.out('Press Ctrl-C to stop.');
    }
    await ctx.interrupted;
    await sim.close();
    return EXIT.ok;
  },
};
