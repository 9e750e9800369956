import type { ConnectionInput } from '../../../electron/shared/domain.ts';

/**
 * The add-stamp form's fields and their checks. The core validates again (electron/shared/schemas.ts); checking here
 * too lets the form say what is wrong next to the field before anything is sent.
 */
export interface StampFormFields {
  name: string;
  armEndpoint: string;
  clientId: string;
  secretKind: 'env' | 'session';
  secretVariable: string;
  secretValue: string;
  /** PEM text read from the chosen CA file, or '' when none was chosen. */
  caPem: string;
  caFileName: string;
  subscriptionId: string;
}

export type StampFormErrors = Partial<Record<keyof StampFormFields, string>>;

export function emptyStampForm(): StampFormFields {
  return {
    name: '',
    armEndpoint: '',
    clientId: '',
    secretKind: 'env',
    secretVariable: '',
    secretValue: '',
    caPem: '',
    caFileName: '',
    subscriptionId: '',
  };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const PEM_MARKER = '-----BEGIN CERTIFICATE-----';

function checkEndpoint(value: string): string | undefined {
  if (!value) return 'Enter the stamp\'s ARM endpoint.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full URL, e.g. https://adminmanagement.local.azurestack.external';
  }
  if (url.protocol !== 'https:') return 'The ARM endpoint must use https://';
  return undefined;
}

export function validateStampForm(f: StampFormFields): StampFormErrors {
  const errors: StampFormErrors = {};
  const name = f.name.trim();
  if (!name) errors.name = 'Enter a name for the stamp.';
  else if (name.length > 64) errors.name = 'Use at most 64 characters.';
  else if (!NAME.test(name)) {
    errors.name = 'Use letters, digits, dot, dash and underscore, starting with a letter or digit.';
  }

  const endpoint = checkEndpoint(f.armEndpoint.trim());
  if (endpoint) errors.armEndpoint = endpoint;

  if (!f.clientId.trim()) errors.clientId = 'Enter the client (application) ID of the service principal.';

  if (f.secretKind === 'env') {
    const variable = f.secretVariable.trim();
    if (!variable) errors.secretVariable = 'Enter the name of the environment variable that holds the secret.';
    else if (!ENV_VARIABLE.test(variable)) {
      errors.secretVariable = 'Use letters, digits and underscore, e.g. STACK_SECRET.';
    }
  } else if (!f.secretValue) {
    errors.secretValue = 'Enter the client secret.';
  }

  if (f.caFileName && !f.caPem.includes(PEM_MARKER)) {
    errors.caPem = `${f.caFileName} is not a PEM certificate (no "${PEM_MARKER}" line). ` +
      'Export the root CA as Base-64 (.pem/.cer).';
  }

  const subscription = f.subscriptionId.trim();
  if (subscription && !GUID.test(subscription)) {
    errors.subscriptionId = 'Enter a subscription ID like 00000000-0000-0000-0000-000000000000, or leave it empty.';
  }
  return errors;
}

/** The contract input for valid fields. */
export function toConnectionInput(f: StampFormFields): ConnectionInput {
  const input: ConnectionInput = {
    name: f.name.trim(),
    armEndpoint: f.armEndpoint.trim(),
    clientId: f.clientId.trim(),
    secret: f.secretKind === 'env'
      ? { kind: 'env', variable: f.secretVariable.trim() }
      : { kind: 'session', value: f.secretValue },
  };
  if (f.caPem) input.caPem = f.caPem;
  if (f.subscriptionId.trim()) input.subscriptionId = f.subscriptionId.trim();
  return input;
}
