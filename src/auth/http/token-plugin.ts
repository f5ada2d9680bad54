import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../auth-service.js';
import { parseScope, type AccessEntry } from '../scope.js';

export interface TokenPluginOptions {
  readonly auth: AuthService;
}

function unauthorized(reply: FastifyReply, message: string): void {
  reply
    .code(401)
    .header('WWW-Authenticate', 'Basic realm="slipway"')
    .send({ errors: [{ code: 'UNAUTHORIZED', message, detail: null }] });
}

function scopes(values: readonly string[]): AccessEntry[] {
  return values
    .flatMap((v) => v.split(' '))
    .map((s) => parseScope(s))
    .filter((s): s is AccessEntry => s !== undefined);
}

function tokenBody(auth: AuthService, principal: Principal, wanted: AccessEntry[], refreshToken?: string): Record<string, unknown> {
  const issued = auth.issueAccessToken(principal, wanted);
  return {
    token: issued.token,
    access_token: issued.token,
    expires_in: issued.expiresInSeconds,
    issued_at: issued.issuedAt,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  };
}

/** GET: the Docker token flow (Basic credentials or anonymous, `scope` repeated). */
async function getToken(request: FastifyRequest, reply: FastifyReply, auth: AuthService): Promise<void> {
  const query = new URLSearchParams(request.raw.url!.split('?', 2)[1] ?? '');
  const principal = await auth.principal(request.headers.authorization);
  // A token principal here came as Basic credentials (see AuthService.tokenAsPassword); it is
  // granted at most what its token holds.
  if (principal === 'invalid') return unauthorized(reply, 'incorrect username or password');
  const wanted = scopes(query.getAll('scope'));
  let refresh: string | undefined;
  if (principal.kind === 'user' && query.get('offline_token') === 'true') {
    const user = await auth.checkPasswordFromHeader(request.headers.authorization);
    if (user) refresh = auth.issueRefreshToken(user);
  }
  reply.code(200).send(tokenBody(auth, principal, wanted, refresh));
}

/** POST: OAuth2 form (`grant_type=password|refresh_token`), as docker uses with an identity token. */
async function postToken(request: FastifyRequest, reply: FastifyReply, auth: AuthService): Promise<void> {
  const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
  const grant = form.get('grant_type');
  const wanted = scopes(form.getAll('scope'));
  if (grant === 'password') {
    const [username, password] = [form.get('username') ?? '', form.get('password') ?? ''];
    const principal = await auth.passwordPrincipal(username, password);
    if (!principal) return unauthorized(reply, 'incorrect username or password');
    // Refresh tokens are for users only: a repository token signs in with its password each time.
    const user = principal.kind === 'user' && form.get('access_type') === 'offline' ? await auth.checkPassword(username, password) : undefined;
    const refresh = user ? auth.issueRefreshToken(user) : undefined;
    return void reply.code(200).send(tokenBody(auth, principal, wanted, refresh));
  }
  if (grant === 'refresh_token') {
    const user = await auth.redeemRefreshToken(form.get('refresh_token') ?? '');
    if (!user) return unauthorized(reply, 'refresh token is invalid or expired');
    return void reply.code(200).send(tokenBody(auth, await auth.userPrincipal(user), wanted));
  }
  reply.code(400).send({ errors: [{ code: 'UNSUPPORTED', message: 'grant_type must be password or refresh_token', detail: null }] });
}

/** The registry token endpoint, `/oauth2/token` (the realm of our `WWW-Authenticate` challenges). */
export async function tokenPlugin(app: FastifyInstance, options: TokenPluginOptions): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
  app.get('/oauth2/token', (request, reply) => getToken(request, reply, options.auth));
  app.post('/oauth2/token', (request, reply) => postToken(request, reply, options.auth));
}
