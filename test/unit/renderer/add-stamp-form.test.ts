import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import PrimeVue from 'primevue/config';
import { describe, expect, it, vi } from 'vitest';
import type { Plugin } from 'vue';
import type { ConnectionRow } from '../../../electron/shared/domain.ts';
import { ApiError } from '../../../renderer/src/api/errors.ts';
import AddStampForm from '../../../renderer/src/components/AddStampForm.vue';
import { useConnectionsStore } from '../../../renderer/src/stores/connections.ts';

// primevue ships CommonJS-flavoured typings, which NodeNext resolution (the test project) reads as a namespace; at
// runtime, and under the renderer's Bundler resolution, the default export is the plugin.
const primeVue = PrimeVue as unknown as Plugin;

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function mountForm() {
  const wrapper = mount(AddStampForm, {
    global: { plugins: [createTestingPinia({ createSpy: vi.fn }), [primeVue, { unstyled: true }]] },
    attachTo: document.body,
  });
  const store = useConnectionsStore();
  return { wrapper, store, add: vi.mocked(store.add) };
}

const field = (wrapper: ReturnType<typeof mountForm>['wrapper'], id: string) => wrapper.find(`[data-testid="${id}"]`);

async function chooseFile(wrapper: ReturnType<typeof mountForm>['wrapper'], name: string, text: string) {
  const input = field(wrapper, 'ca-file');
  Object.defineProperty(input.element, 'files', { value: [new File([text], name)], configurable: true });
  await input.trigger('change');
  await flushPromises();
}

describe('AddStampForm', () => {
  it('says what is missing next to each field and sends nothing', async () => {
    const { wrapper, add } = mountForm();
    await wrapper.find('form').trigger('submit');

    expect(field(wrapper, 'error-name').text()).toBe('Enter a name for the stamp.');
    expect(field(wrapper, 'error-armEndpoint').text()).toBe('Enter the stamp\'s ARM endpoint.');
    expect(field(wrapper, 'error-clientId').text()).toContain('client (application) ID');
    expect(field(wrapper, 'error-secretVariable').text()).toContain('environment variable');
    expect(add).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('refuses an endpoint that is not https, and names with spaces', async () => {
    const { wrapper, add } = mountForm();
    await field(wrapper, 'stamp-name').setValue('my stamp');
    await field(wrapper, 'arm-endpoint').setValue('http://adminmanagement.local.azurestack.external');
    await field(wrapper, 'arm-endpoint').trigger('blur');
    await field(wrapper, 'stamp-name').trigger('blur');

    expect(field(wrapper, 'error-armEndpoint').text()).toBe('The ARM endpoint must use https://');
    expect(field(wrapper, 'error-name').text()).toContain('letters, digits, dot, dash and underscore');
    await wrapper.find('form').trigger('submit');
    expect(add).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('sends a session secret and the CA file\'s PEM text, and reports the saved stamp', async () => {
    const { wrapper, add } = mountForm();
    const saved = { name: 'lab' } as ConnectionRow;
    add.mockResolvedValue(saved);

    await field(wrapper, 'stamp-name').setValue('lab');
    await field(wrapper, 'arm-endpoint').setValue('https://adminmanagement.lab.example');
    await field(wrapper, 'client-id').setValue('2b0e6c5f-app');
    await field(wrapper, 'secret-session').setValue(true);
    expect(wrapper.text()).toContain('never saved');
    await field(wrapper, 'secret-value').setValue('p@ss w0rd');
    await chooseFile(wrapper, 'root-ca.pem', PEM);
    expect(field(wrapper, 'ca-file-name').text()).toBe('root-ca.pem');

    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(add).toHaveBeenCalledWith({
      name: 'lab',
      armEndpoint: 'https://adminmanagement.lab.example',
      clientId: '2b0e6c5f-app',
      secret: { kind: 'session', value: 'p@ss w0rd' },
      caPem: PEM,
    });
    expect(wrapper.emitted('saved')).toEqual([[saved]]);
    wrapper.unmount();
  });

  it('rejects a CA file that is not PEM', async () => {
    const { wrapper, add } = mountForm();
    await chooseFile(wrapper, 'root-ca.der', '0\x82\x01\x0a binary');
    expect(field(wrapper, 'error-caPem').text()).toContain('root-ca.der is not a PEM certificate');
    await wrapper.find('form').trigger('submit');
    expect(add).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('shows the core\'s error in words and keeps the form open', async () => {
    const { wrapper, add } = mountForm();
    const message = 'Cannot reach https://adminmanagement.lab.example: the connection was refused. Check the address.';
    add.mockRejectedValue(new ApiError('NETWORK', message));

    await field(wrapper, 'stamp-name').setValue('lab');
    await field(wrapper, 'arm-endpoint').setValue('https://adminmanagement.lab.example');
    await field(wrapper, 'client-id').setValue('client');
    await field(wrapper, 'secret-variable').setValue('STACK_SECRET');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(add).toHaveBeenCalledWith(expect.objectContaining({ secret: { kind: 'env', variable: 'STACK_SECRET' } }));
    expect(field(wrapper, 'add-stamp-error').text()).toBe(message);
    expect(wrapper.emitted('saved')).toBeUndefined();
    wrapper.unmount();
  });
});
