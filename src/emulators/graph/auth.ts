import { createHash, X509Certificate } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import { GraphHttpError } from './graph-error';
import { newOpaqueToken } from './ids';

/**
 * The Microsoft identity platform, reduced to what app-only Graph access needs: app registrations,
 * the client-credentials token endpoint, the OpenID metadata MSAL reads, and token checks.
 */

export interface AppRegistration {
  tenantId: string;
  clientId: string;
  /** The app's client secret; an app may have a secret, a certificate, or both. */
  clientSecret?: string;
  /** The certificate uploaded to the app (PEM): client assertions must be signed with its key. */
  certificatePem?: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface IssuedToken {
  tenantId: string;
  clientId: string;
  expiresAt: number;
}

export interface TokenReply {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (status: number, error: string, description: string): TokenReply => ({
  status,
  body: { error, error_description: description, error_codes: [], timestamp: new Date().toISOString() },
});

export class TokenAuthority {
  private readonly apps = new Map<string, AppRegistration>();
  private readonly tokens = new Map<string, IssuedToken>();
  /** Counts token grants, so tests can see that tokens are cached. */
  issuedCount = 0;

  constructor(
    private readonly now: () => number,
    private readonly lifetimeSeconds: () => number,
    /** Scopes the token endpoint accepts (the resource's `/.default`). */
    private readonly acceptedScopes: () => string[]
  ) {}

  register(app: AppRegistration): void {
    this.apps.set(`${app.tenantId.toLowerCase()}|${app.clientId.toLowerCase()}`, { ...app });
  }

  /** POST /{tenant}/oauth2/v2.0/token */
  async grant(tenantId: string, form: URLSearchParams): Promise<TokenReply> {
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    }
    const clientId = form.get('client_id') ?? '';
    const app = this.apps.get(`${tenantId.toLowerCase()}|${clientId.toLowerCase()}`);
    if (!app) {
      return oauthError(
        400,
        'unauthorized_client',
        `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`
      );
    }
    if (form.has('client_assertion')) {
      const refused = await this.checkAssertion(app, tenantId, form);
      if (refused) return refused;
    } else if (app.clientSecret === undefined || form.get('client_secret') !== app.clientSecret) {
      return oauthError(401, 'invalid_client', `AADSTS7000215: Invalid client secret provided for app '${clientId}'.`);
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const accepted = this.acceptedScopes();
    if (!scopes.some((s) => accepted.includes(s))) {
      return oauthError(
        400,
        'invalid_scope',
        `AADSTS1002012: The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`
      );
    }
    const lifetime = this.lifetimeSeconds();
    const token = `eyJ0eXAiOiJKV1QiLCJub25jZSI6ImVtdSJ9.${newOpaqueToken()}`;
    this.tokens.set(token, { tenantId: app.tenantId, clientId: app.clientId, expiresAt: this.now() + lifetime * 1000 });
    this.issuedCount += 1;
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
    };
  }

  /**
   * A certificate credential: a JWT signed with the certificate's key, whose header names the
   * certificate by thumbprint (`x5t#S256`, or SHA-1 `x5t`), issued by and about the app, for this
   * token endpoint, not expired. Entra ID answers AADSTS700027 when the signature does not verify.
   */
  private async checkAssertion(app: AppRegistration, tenantId: string, form: URLSearchParams) {
    const invalid = (code: string, why: string) =>
      oauthError(401, 'invalid_client', `${code}: Client assertion failed: ${why} (app '${app.clientId}').`);
    if (form.get('client_assertion_type') !== JWT_BEARER) return invalid('AADSTS50027', 'unsupported assertion type');
    if (!app.certificatePem) return invalid('AADSTS700027', 'no certificate is registered for the app');
    const assertion = form.get('client_assertion') ?? '';
    const certificate = new X509Certificate(app.certificatePem);
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return invalid('AADSTS50027', 'the assertion is not a well-formed JWT');
    }
    const der = certificate.raw;
    const thumbprints = [
      createHash('sha256').update(der).digest('base64url'),
      createHash('sha1').update(der).digest('base64url'),
    ];
    const named = header['x5t#S256'] ?? header.x5t;
    if (typeof named !== 'string' || !thumbprints.includes(named))
      return invalid('AADSTS700027', 'the key was not found: no registered certificate has this thumbprint');
    try {
      await compactVerify(assertion, certificate.publicKey);
    } catch {
      return invalid('AADSTS700027', 'the signature does not verify with the registered certificate');
    }
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (claims.iss !== app.clientId || claims.sub !== app.clientId)
      return invalid('AADSTS700023', 'iss and sub must be the client id');
    if (
      !audience.some(
        (a) => typeof a === 'string' && a.toLowerCase().endsWith(`/${tenantId.toLowerCase()}/oauth2/v2.0/token`)
      )
    )
      return invalid('AADSTS700024', 'the audience is not this token endpoint');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now())
      return invalid('AADSTS700024', 'the assertion has expired');
    return undefined;
  }

  /** Checks the Authorization header of a Graph call (401 InvalidAuthenticationToken). */
  verify(authorization: string | undefined): IssuedToken {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw unauthenticated('Access token is empty.');
    const issued = this.tokens.get(match[1]);
    if (!issued) throw unauthenticated('IDX14100: JWT is not well formed, there are no dots (.).');
    if (issued.expiresAt <= this.now()) throw unauthenticated('Lifetime validation failed, the token is expired.');
    return issued;
  }

  /** Invalidates every token issued so far (as a key rollover or revocation would). */
  revokeAll(): void {
    this.tokens.clear();
  }

  openIdConfiguration(loginUrl: string, tenant: string): Record<string, unknown> {
    const base = `${loginUrl}/${tenant}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${loginUrl}/${tenant}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${loginUrl}/{tenantid}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
    };
  }
}

function unauthenticated(message: string): GraphHttpError {
  return new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
    'www-authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
  });
}
