import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import PrimeVue from 'primevue/config';
import { describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import type { AppInfo, ConnectionRow } from '../../../electron/shared/domain.ts';
import { ApiError } from '../../../renderer/src/api/errors.ts';
import AddStampForm from '../../../renderer/src/components/AddStampForm.vue';
import { useConnectionsStore } from '../../../renderer/src/stores/connections.ts';

// primevue ships CommonJS-flavoured typings, which NodeNext resolution (the test project) reads as a namespace; at
// runtime, and under the renderer's Bundler resolution, the default export is the plugin.
const primeVue = PrimeVue as unknown as Plugin;

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

function mountForm(options: { desktop?: boolean } = {}) {
  const info: AppInfo = { version: '0.1.0', dbPath: '/tmp/cache.sqlite', canProtectSecrets: !!options.desktop,
    readOnly: null };
  const wrapper = mount(AddStampForm, {
    global: {
      plugins: [createTestingPinia({ createSpy: vi.fn, initialState: { app: { info } } }), [primeVue, { unstyled: true }]],
    },
    attachTo: document.body,
  });
  const store = useConnectionsStore();
  return { wrapper, store, add: vi.mocked(store.add) };
}

type Wrapper = ReturnType<typeof mountForm>['wrapper'];
const field = (wrapper: Wrapper, id: string) => wrapper.find(`[data-testid="${id}"]`);

async function chooseFile(wrapper: Wrapper, testid: string, name: string, text: string) {
  const input = field(wrapper, testid);
  Object.defineProperty(input.element, 'files', { value: [new File([text], name)], configurable: true });
  await input.trigger('change');
  await flushPromises();
}

async function fillBasics(wrapper: Wrapper) {
  await field(wrapper, 'stamp-name').setValue('lab');
  await field(wrapper, 'arm-endpoint').setValue('https://adminmanagement.lab.example');
  await field(wrapper, 'client-id').setValue('2b0e6c5f-app');
}

async function submit(wrapper: Wrapper) {
  await wrapper.find('form').trigger('submit');
  await flushPromises();
}

describe('AddStampForm', () => {
  it('says what is missing next to each field and sends nothing', async () => {
    const { wrapper, add } = mountForm();
    await submit(wrapper);

    expect(field(wrapper, 'error-name').text()).toBe('Enter a name for the stamp.');
    expect(field(wrapper, 'error-armEndpoint').text()).toBe('Enter the stamp\'s ARM endpoint.');
    expect(field(wrapper, 'error-clientId').text()).toContain('client (application) ID');
    expect(field(wrapper, 'error-secretVariable').text()).toContain('environment variable');
    expect(add).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('refuses an endpoint that is not https, names with spaces and a proxy that is not http(s)', async () => {
    const { wrapper, add } = mountForm();
    await field(wrapper, 'stamp-name').setValue('my stamp');
    await field(wrapper, 'arm-endpoint').setValue('http://adminmanagement.local.azurestack.external');
    await field(wrapper, 'proxy').setValue('socks5://proxy.example.com:1080');
    await submit(wrapper);

    expect(field(wrapper, 'error-armEndpoint').text()).toBe('The ARM endpoint must use https://');
    expect(field(wrapper, 'error-name').text()).toContain('letters, digits, dot, dash and underscore');
    expect(field(wrapper, 'error-proxy').text()).toBe('The proxy URL must start with http:// or https://');
    expect(add).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('sends an operator connection with a session secret and the CA file\'s PEM text', async () => {
    const { wrapper, add } = mountForm();
    const saved = { name: 'lab' } as ConnectionRow;
    add.mockResolvedValue(saved);

    await fillBasics(wrapper);
    await field(wrapper, 'secret-session').setValue(true);
    expect(wrapper.text()).toContain('never saved');
    await field(wrapper, 'secret-value').setValue('p@ss w0rd');
    await chooseFile(wrapper, 'ca-file', 'root-ca.pem', PEM);
    expect(field(wrapper, 'ca-file-name').text()).toBe('root-ca.pem');
    await submit(wrapper);

    expect(add).toHaveBeenCalledWith({
      name: 'lab',
      kind: 'operator',
      armEndpoint: 'https://adminmanagement.lab.example',
      clientId: '2b0e6c5f-app',
      credential: { type: 'secret', source: { kind: 'session', value: 'p@ss w0rd' } },
      caPem: PEM,
    });
    expect(wrapper.emitted('saved')).toEqual([[saved]]);
    wrapper.unmount();
  });

  it('sends a tenant connection with a certificate file, a proxy and a subscription', async () => {
    const { wrapper, add } = mountForm();
    add.mockResolvedValue({ name: 'lab' } as ConnectionRow);

    await field(wrapper, 'kind-tenant').setValue(true);
    expect(field(wrapper, 'arm-endpoint').attributes('placeholder')).toBe('https://management.local.azurestack.external');
    expect(wrapper.text()).toContain('Subscription ID');
    await fillBasics(wrapper);
    await field(wrapper, 'credential-certificate').setValue(true);
    await field(wrapper, 'secret-file').setValue(true);
    expect(wrapper.text()).toContain('readable by its owner only');
    await field(wrapper, 'secret-path').setValue(' /etc/stackmeter/lab.pem ');
    await field(wrapper, 'proxy').setValue('http://proxy.corp.example:3128');
    await field(wrapper, 'subscription-id').setValue('4f0c2a57-8d7e-4a6b-9c1d-2e3f4a5b6c7d');
    await submit(wrapper);

    expect(add).toHaveBeenCalledWith({
      name: 'lab',
      kind: 'tenant',
      armEndpoint: 'https://adminmanagement.lab.example',
      clientId: '2b0e6c5f-app',
      credential: { type: 'certificate', source: { kind: 'file', path: '/etc/stackmeter/lab.pem' } },
      proxy: 'http://proxy.corp.example:3128',
      subscriptionId: '4f0c2a57-8d7e-4a6b-9c1d-2e3f4a5b6c7d',
    });
    wrapper.unmount();
  });

  it('wants the certificate\'s private key in a pasted or loaded PEM', async () => {
    const { wrapper, add } = mountForm();
    add.mockResolvedValue({ name: 'lab' } as ConnectionRow);
    await fillBasics(wrapper);
    await field(wrapper, 'credential-certificate').setValue(true);
    await field(wrapper, 'secret-session').setValue(true);
    await field(wrapper, 'secret-value').setValue(PEM);
    await submit(wrapper);
    expect(field(wrapper, 'error-secretValue').text()).toContain('its private key');
    expect(add).not.toHaveBeenCalled();

    await chooseFile(wrapper, 'credential-file', 'lab.pem', PEM + KEY);
    expect(field(wrapper, 'error-secretValue').exists()).toBe(false);
    await submit(wrapper);
    expect(add).toHaveBeenCalledWith(expect.objectContaining({
      credential: { type: 'certificate', source: { kind: 'session', value: PEM + KEY } },
    }));
    wrapper.unmount();
  });

  it('offers the operating system\'s encrypted store only in the desktop app, and uses it there by default', async () => {
    const browser = mountForm();
    expect(field(browser.wrapper, 'secret-protected').exists()).toBe(false);
    browser.wrapper.unmount();

    const desktop = mountForm({ desktop: true });
    desktop.add.mockResolvedValue({ name: 'lab' } as ConnectionRow);
    expect(desktop.wrapper.text()).toContain('Saved, encrypted by the operating system');
    expect((field(desktop.wrapper, 'secret-protected').element as HTMLInputElement).checked).toBe(true);
    await fillBasics(desktop.wrapper);
    await field(desktop.wrapper, 'secret-value').setValue('s3cret');
    await submit(desktop.wrapper);
    expect(desktop.add).toHaveBeenCalledWith(expect.objectContaining({
      credential: { type: 'secret', source: { kind: 'protected', value: 's3cret' } },
    }));
    desktop.wrapper.unmount();
  });

  it('asks for the directory tenant on the field when the core says the stamp signs in through Entra ID', async () => {
    const { wrapper, add } = mountForm();
    const message = 'tenantId is required: this stamp signs in through Microsoft Entra ID; enter the directory ' +
      '(e.g. contoso.onmicrosoft.com) of the service principal.';
    add.mockRejectedValueOnce(new ApiError('INVALID_ARGUMENT', message));
    expect(field(wrapper, 'tenant-id').exists()).toBe(false);

    await fillBasics(wrapper);
    await field(wrapper, 'secret-variable').setValue('STACK_SECRET');
    await submit(wrapper);

    expect(field(wrapper, 'tenant-id').exists()).toBe(true);
    expect(field(wrapper, 'error-tenantId').text()).toBe(message);
    expect(field(wrapper, 'add-stamp-error').exists()).toBe(false);

    // The core's word applies to the value it refused; a new value gets the form's own check.
    await field(wrapper, 'tenant-id').setValue('contoso');
    expect(field(wrapper, 'error-tenantId').text()).toBe(
      'Enter the directory as a GUID or a domain such as contoso.onmicrosoft.com.');

    add.mockResolvedValueOnce({ name: 'lab' } as ConnectionRow);
    await field(wrapper, 'tenant-id').setValue('contoso.onmicrosoft.com');
    await submit(wrapper);
    expect(add).toHaveBeenLastCalledWith(expect.objectContaining({ tenantId: 'contoso.onmicrosoft.com' }));
    wrapper.unmount();
  });

  it('lets the dialog\'s late autofocus land on the field the user is in, not back on the name', async () => {
    const { wrapper } = mountForm();
    expect(field(wrapper, 'stamp-name').attributes('autofocus')).toBeDefined();
    (field(wrapper, 'client-id').element as HTMLInputElement).focus();
    expect(field(wrapper, 'client-id').attributes('autofocus')).toBeDefined();
    expect(field(wrapper, 'stamp-name').attributes('autofocus')).toBeUndefined();
    expect(wrapper.findAll('[autofocus]')).toHaveLength(1);
    wrapper.unmount();
  });

  it('rejects a CA file that is not PEM', async () => {
    const { wrapper, add } = mountForm();
    await chooseFile(wrapper, 'ca-file', 'root-ca.der', '0\x82\x01\x0a binary');
    expect(field(wrapper, 'error-caPem').text()).toContain('root-ca.der is not a PEM certificate');
    await submit(wrapper);
    expect(add).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('shows the core\'s error in words and keeps the form open', async () => {
    const { wrapper, add } = mountForm();
    const message = 'Cannot reach https://adminmanagement.lab.example: the connection was refused. Check the address.';
    add.mockRejectedValue(new ApiError('NETWORK', message));

    await fillBasics(wrapper);
    await field(wrapper, 'secret-variable').setValue('STACK_SECRET');
    await submit(wrapper);

    expect(add).toHaveBeenCalledWith(expect.objectContaining({
      credential: { type: 'secret', source: { kind: 'env', variable: 'STACK_SECRET' } },
    }));
    expect(field(wrapper, 'add-stamp-error').text()).toBe(message);
    expect(wrapper.emitted('saved')).toBeUndefined();
    wrapper.unmount();
  });
});
