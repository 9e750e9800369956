import type { ApiKind, ConnectionInput, CredentialType, SecretSource } from '../../../electron/shared/domain.ts';

/**
 * The add-stamp form's fields and their checks. The core validates again (electron/shared/schemas.ts); checking here
 * too lets the form say what is wrong next to the field before anything is sent. The rules mirror the schema's (a unit
 * test holds them together), except that a pasted certificate must also hold its private key, which the core needs.
 */
export type SourceKind = SecretSource['kind'];

export interface StampFormFields {
  name: string;
  kind: ApiKind;
  armEndpoint: string;
  clientId: string;
  /** The Entra ID directory; the form shows it on demand or when the core says the stamp needs it. */
  tenantId: string;
  credentialType: CredentialType;
  sourceKind: SourceKind;
  secretVariable: string;
  secretPath: string;
  /** The client secret, or the PEM text (certificate and private key), for the `session` and `protected` sources. */
  secretValue: string;
  /** PEM text read from the chosen CA file, or '' when none was chosen. */
  caPem: string;
  caFileName: string;
  proxy: string;
  subscriptionId: string;
}

export type StampField = keyof StampFormFields;
export type StampFormErrors = Partial<Record<StampField, string>>;

/** The credential sources offered: the OS-encrypted store only where the core can use it (the desktop app). */
export function sourceKinds(canProtectSecrets: boolean): SourceKind[] {
  return canProtectSecrets ? ['protected', 'env', 'file', 'session'] : ['env', 'file', 'session'];
}

export function emptyStampForm(canProtectSecrets = false): StampFormFields {
  return {
    name: '',
    kind: 'operator',
    armEndpoint: '',
    clientId: '',
    tenantId: '',
    credentialType: 'secret',
    sourceKind: canProtectSecrets ? 'protected' : 'env',
    secretVariable: '',
    secretPath: '',
    secretValue: '',
    caPem: '',
    caFileName: '',
    proxy: '',
    subscriptionId: '',
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DIRECTORY_TENANT = /^([0-9a-fA-F-]{36}|[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})$/;
export const PEM_MARKER = '-----BEGIN CERTIFICATE-----';
const PRIVATE_KEY_MARKER = /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/;

/** Example endpoints per connection kind, for placeholders and messages. */
export const ENDPOINT_EXAMPLES: Record<ApiKind, string> = {
  operator: 'https://adminmanagement.local.azurestack.external',
  tenant: 'https://management.local.azurestack.external',
};

function parses(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function checkEndpoint(value: string, kind: ApiKind): string | undefined {
  if (!value) return 'Enter the stamp\'s ARM endpoint.';
  if (!parses(value)) return `Enter a full URL, e.g. ${ENDPOINT_EXAMPLES[kind]}`;
  if (!value.startsWith('https://')) return 'The ARM endpoint must use https://';
  return undefined;
}

function checkProxy(value: string): string | undefined {
  if (!value) return undefined;
  if (!parses(value)) return 'Enter a full URL such as http://proxy.example.com:3128, or leave it empty.';
  if (!/^https?:\/\//.test(value)) return 'The proxy URL must start with http:// or https://';
  return undefined;
}

function checkCredential(f: StampFormFields, canProtectSecrets: boolean): StampFormErrors {
  const what = f.credentialType === 'secret' ? 'client secret' : 'certificate';
  switch (f.sourceKind) {
    case 'env': {
      const variable = f.secretVariable.trim();
      if (!variable) return { secretVariable: `Enter the name of the environment variable that holds the ${what}.` };
      if (!ENV_VARIABLE.test(variable)) {
        return { secretVariable: 'Use letters, digits and underscore, not starting with a digit, e.g. STACK_SECRET.' };
      }
      return {};
    }
    case 'file':
      return f.secretPath.trim() ? {} : { secretPath: `Enter the path of the file that holds the ${what}.` };
    case 'protected':
    case 'session':
      if (f.sourceKind === 'protected' && !canProtectSecrets) {
        return { sourceKind: 'Only the desktop app can save a credential encrypted by the operating system.' };
      }
      if (!f.secretValue) {
        return { secretValue: f.credentialType === 'secret' ? 'Enter the client secret.'
          : 'Paste the PEM of the certificate and its private key, or load it from a file.' };
      }
      if (f.credentialType === 'certificate' &&
        (!f.secretValue.includes(PEM_MARKER) || !PRIVATE_KEY_MARKER.test(f.secretValue))) {
        return { secretValue: 'The PEM must hold both the certificate ("-----BEGIN CERTIFICATE-----") and its ' +
          'private key ("-----BEGIN PRIVATE KEY-----").' };
      }
      return {};
  }
}

export function validateStampForm(f: StampFormFields, canProtectSecrets = false): StampFormErrors {
  const errors: StampFormErrors = {};
  const name = f.name.trim();
  if (!name) errors.name = 'Enter a name for the stamp.';
  else if (name.length > 64) errors.name = 'Use at most 64 characters.';
  else if (!NAME.test(name)) {
    errors.name = 'Use letters, digits, dot, dash and underscore, starting with a letter or digit.';
  }

  const endpoint = checkEndpoint(f.armEndpoint.trim(), f.kind);
  if (endpoint) errors.armEndpoint = endpoint;

  if (!f.clientId.trim()) errors.clientId = 'Enter the client (application) ID of the service principal.';

  const tenant = f.tenantId.trim();
  if (tenant && !DIRECTORY_TENANT.test(tenant)) {
    errors.tenantId = 'Enter the directory as a GUID or a domain such as contoso.onmicrosoft.com.';
  }

  Object.assign(errors, checkCredential(f, canProtectSecrets));

  if (f.caFileName && !f.caPem.includes(PEM_MARKER)) {
    errors.caPem = `${f.caFileName} is not a PEM certificate (no "${PEM_MARKER}" line). ` +
      'Export the root CA as Base-64 (.pem/.cer).';
  }

  const proxy = checkProxy(f.proxy.trim());
  if (proxy) errors.proxy = proxy;

  const subscription = f.subscriptionId.trim();
  if (subscription && !GUID.test(subscription)) {
    errors.subscriptionId = 'Enter a subscription ID like 00000000-0000-0000-0000-000000000000, or leave it empty.';
  }
  return errors;
}

function toSource(f: StampFormFields): SecretSource {
  switch (f.sourceKind) {
    case 'env': return { kind: 'env', variable: f.secretVariable.trim() };
    case 'file': return { kind: 'file', path: f.secretPath.trim() };
    case 'session': return { kind: 'session', value: f.secretValue };
    case 'protected': return { kind: 'protected', value: f.secretValue };
  }
}

/** The contract input for valid fields; optional fields left empty are left out. */
export function toConnectionInput(f: StampFormFields): ConnectionInput {
  const input: ConnectionInput = {
    name: f.name.trim(),
    kind: f.kind,
    armEndpoint: f.armEndpoint.trim(),
    clientId: f.clientId.trim(),
    credential: { type: f.credentialType, source: toSource(f) },
  };
  if (f.tenantId.trim()) input.tenantId = f.tenantId.trim();
  if (f.caPem) input.caPem = f.caPem;
  if (f.proxy.trim()) input.proxy = f.proxy.trim();
  if (f.subscriptionId.trim()) input.subscriptionId = f.subscriptionId.trim();
  return input;
}

/**
 * The core's argument checks name the field (`tenantId is not a tenant GUID or domain`; `tenantId` when the stamp turns
 * out to sign in through Entra ID): such a refusal is shown on that field rather than at the bottom of the form.
 */
const SERVER_FIELDS: [RegExp, StampField][] = [
  [/\btenantId\b/, 'tenantId'],
  [/\bcredential\.source\.variable\b/, 'secretVariable'],
  [/\bcredential\.source\.path\b/, 'secretPath'],
  [/\bcredential\.source\.value\b/, 'secretValue'],
  [/\barmEndpoint\b/, 'armEndpoint'],
  [/\bclientId\b/, 'clientId'],
  [/\bsubscriptionId\b/, 'subscriptionId'],
  [/\bcaPem\b/, 'caPem'],
  [/^proxy\b/, 'proxy'],
];

export function fieldOfServerError(code: string, message: string): StampField | null {
  if (code !== 'INVALID_ARGUMENT') return null;
  return SERVER_FIELDS.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}
