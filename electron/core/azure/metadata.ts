import type { AuthType } from '../../shared/domain.ts';
import { StackmeterError } from '../../shared/result.ts';
import type { HttpClient } from './http.ts';

export interface StampEndpoints {
  armEndpoint: string;
  loginEndpoint: string;
  /** The token resource: the first audience the metadata lists. */
  audience: string;
  authType: AuthType;
}

/** Normalises an ARM endpoint to its origin-plus-path without a trailing slash. */
export function normaliseArmEndpoint(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * Reads the stamp's ARM metadata: where to sign in and for which audience. A login endpoint ending in /adfs means
 * AD FS (disconnected stamps always use it); anything else is Microsoft Entra ID.
 */
export async function discoverEndpoints(http: HttpClient, armEndpoint: string): Promise<StampEndpoints> {
  const arm = normaliseArmEndpoint(armEndpoint);
  const url = `${arm}/metadata/endpoints?api-version=2015-01-01`;
  const res = await http.send({ method: 'GET', url, headers: { accept: 'application/json' } });
  if (res.status !== 200) {
    throw new StackmeterError(
      'API',
      `${arm} did not answer its metadata endpoint (HTTP ${res.status}). Check that the ARM endpoint is the stamp's ` +
        `adminmanagement (operator) or management (tenant) address.`,
    );
  }
  let doc: { authentication?: { loginEndpoint?: unknown; audiences?: unknown } };
  try {
    doc = JSON.parse(res.body) as typeof doc;
  } catch {
    throw new StackmeterError('API', `${url} answered with something that is not JSON; is this an Azure Stack Hub ARM endpoint?`);
  }
  const login = doc.authentication?.loginEndpoint;
  const audiences = doc.authentication?.audiences;
  if (typeof login !== 'string' || !Array.isArray(audiences) || typeof audiences[0] !== 'string') {
    throw new StackmeterError('API', `${url} lacks authentication.loginEndpoint or authentication.audiences.`);
  }
  const loginEndpoint = login.replace(/\/+$/, '');
  return {
    armEndpoint: arm,
    loginEndpoint,
    audience: audiences[0],
    authType: /\/adfs$/i.test(loginEndpoint) ? 'adfs' : 'entra',
  };
}
