// A real OpenID Connect provider for the sign-in tests (npm's oidc-provider, its built-in development login page).
// The test starts it with node and reads "READY <issuer>" from its first line. Environment:
//   OIDC_PORT (0: any free port), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI (Baton's /oidc/callback/),
//   OIDC_ACCOUNTS: JSON {"<e-mail>": {"email_verified": true|false, "name": "..."}}; the login typed on the
//   provider's page is the e-mail (any password).
import http from 'node:http';
import Provider from 'oidc-provider';

const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const server = http.createServer();

server.listen(Number(process.env.OIDC_PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: account.email_verified, name: account.name || id };
        },
      };
    },
    // A first-party client: no consent screen, the grant is given at once.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
    cookies: { keys: ['baton-test-provider-cookie-key'] },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
