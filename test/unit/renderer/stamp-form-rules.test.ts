import { describe, expect, it } from 'vitest';
import { connectionInputSchema } from '../../../electron/shared/schemas.ts';
import {
  emptyStampForm, fieldOfServerError, toConnectionInput, validateStampForm,
} from '../../../renderer/src/components/stampForm.ts';
import type { StampFormFields } from '../../../renderer/src/components/stampForm.ts';

const valid: StampFormFields = {
  ...emptyStampForm(),
  name: 'lab',
  armEndpoint: 'https://adminmanagement.lab.example',
  clientId: 'app',
  sourceKind: 'session',
  secretValue: 's3cret',
};

/** One field changed from a valid form; the form and the core's schema must agree on every one. */
const variations: Partial<StampFormFields>[] = [
  {},
  { name: 'redmond-prod.2' }, { name: 'my stamp' }, { name: '-lab' }, { name: 'x'.repeat(64) }, { name: 'x'.repeat(65) },
  { armEndpoint: 'http://adminmanagement.lab.example' }, { armEndpoint: 'https:/lab.example' },
  { armEndpoint: 'https://' }, { armEndpoint: 'adminmanagement.lab.example' }, { armEndpoint: 'https://[::1]:8443' },
  { clientId: '   ' },
  { tenantId: 'contoso.onmicrosoft.com' }, { tenantId: '4f0c2a57-8d7e-4a6b-9c1d-2e3f4a5b6c7d' },
  { tenantId: 'contoso' }, { tenantId: 'contoso.onmicrosoft' },
  { sourceKind: 'env', secretVariable: 'STACK_SECRET' }, { sourceKind: 'env', secretVariable: '1SECRET' },
  { sourceKind: 'env', secretVariable: 'STACK-SECRET' }, { sourceKind: 'env', secretVariable: '' },
  { sourceKind: 'file', secretPath: '/etc/stackmeter/lab.secret' }, { sourceKind: 'file', secretPath: '  ' },
  { secretValue: '' }, { secretValue: ' ' },
  { proxy: 'http://proxy:3128' }, { proxy: 'https://user:pw@proxy.example.com' }, { proxy: 'proxy:3128' },
  { proxy: 'socks5://proxy:1080' }, { proxy: 'http://' },
  { subscriptionId: '4f0c2a57-8d7e-4a6b-9c1d-2e3f4a5b6c7d' }, { subscriptionId: '4f0c2a57' },
  { caFileName: 'ca.pem', caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
  { caFileName: 'ca.der', caPem: 'binary' },
  { kind: 'tenant', armEndpoint: 'https://management.lab.example' },
];

describe('the add-stamp form\'s rules', () => {
  it.each(variations.map((v) => [JSON.stringify(v), v] as const))('agree with the core\'s schema for %s', (_, v) => {
    const form = { ...valid, ...v };
    const errors = validateStampForm(form);
    const parsed = connectionInputSchema.safeParse(toConnectionInput(form));
    expect(Object.keys(errors).length === 0, JSON.stringify(errors)).toBe(parsed.success);
  });

  it('leave optional fields out when they are empty', () => {
    expect(toConnectionInput({ ...valid, tenantId: ' ', proxy: '', subscriptionId: '' })).toEqual({
      name: 'lab',
      kind: 'operator',
      armEndpoint: 'https://adminmanagement.lab.example',
      clientId: 'app',
      credential: { type: 'secret', source: { kind: 'session', value: 's3cret' } },
    });
  });

  it('refuse the operating system\'s store where the core cannot use it', () => {
    expect(validateStampForm({ ...valid, sourceKind: 'protected' }, false).sourceKind).toContain('desktop app');
    expect(validateStampForm({ ...valid, sourceKind: 'protected' }, true)).toEqual({});
  });

  it('put the core\'s refusal of a named field on that field, and nothing else', () => {
    expect(fieldOfServerError('INVALID_ARGUMENT', 'tenantId is required: the stamp signs in through Entra ID'))
      .toBe('tenantId');
    expect(fieldOfServerError('INVALID_ARGUMENT', 'credential.source.path is required')).toBe('secretPath');
    expect(fieldOfServerError('INVALID_ARGUMENT', 'proxy must start with http:// or https://')).toBe('proxy');
    expect(fieldOfServerError('NETWORK', 'Cannot reach the proxy http://proxy:3128')).toBeNull();
    expect(fieldOfServerError('AUTH', 'The token endpoint refused clientId app')).toBeNull();
  });
});
