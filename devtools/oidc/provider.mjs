// The local identity provider: npm `oidc-provider` (a certified OpenID Connect implementation)
// signing with the local development issuer's key (.local/issuer/private.pem, kid cxgov-local-1),
// under the same issuer identifier, so the API accepts its ID tokens as it accepts `make token`'s.
// Its sign-in form takes a demo login (accounts file) and any password: development only.
// Configured by environment (devtools/oidc/__init__.py starts it):
//   OIDC_PORT, OIDC_ISSUER, OIDC_KEY_FILE, OIDC_KID, OIDC_CLIENT_ID, OIDC_REDIRECT_URIS and
//   OIDC_POST_LOGOUT_URIS (space separated), OIDC_ACCOUNTS (JSON file: login -> claims),
//   OIDC_ID_TOKEN_TTL (seconds).
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const env = process.env;
const key = createPrivateKey(readFileSync(env.OIDC_KEY_FILE)).export({ format: "jwk" });
const accounts = JSON.parse(readFileSync(env.OIDC_ACCOUNTS, "utf8"));
const redirects = (env.OIDC_REDIRECT_URIS || "").split(/\s+/).filter(Boolean);
const logouts = (env.OIDC_POST_LOGOUT_URIS || "").split(/\s+/).filter(Boolean);
const origins = new Set(redirects.map((u) => new URL(u).origin));
const ttl = Number(env.OIDC_ID_TOKEN_TTL || 3600);

const provider = new Provider(env.OIDC_ISSUER, {
  clients: [{
    client_id: env.OIDC_CLIENT_ID,
    token_endpoint_auth_method: "none",  // a public client: the browser holds no secret, PKCE instead
    application_type: "web",
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    redirect_uris: redirects,
    post_logout_redirect_uris: logouts,
  }],
  jwks: { keys: [{ ...key, kid: env.OIDC_KID, use: "sig", alg: "RS256" }] },
  // The roles travel as Cognito's do (custom:role, custom:department, cognito:groups) or not at all.
  scopes: ["openid", "offline_access", "profile", "email", "cxgov"],
  claims: {
    openid: ["sub"], profile: ["name"], email: ["email", "email_verified"],
    cxgov: ["custom:role", "custom:department", "cognito:groups"],
  },
  conformIdTokenClaims: false,  // the ID token is the API's bearer token: the claims go in it
  pkce: { required: () => true },
  findAccount(ctx, sub) {
    const claims = accounts[sub];
    if (!claims) return undefined;
    return { accountId: sub, claims: async () => ({ ...claims, sub }) };  // the login is the subject
  },
  clientBasedCORS(ctx, origin) { return origins.has(origin); },
  ttl: { IdToken: ttl, AccessToken: ttl, AuthorizationCode: 120, Interaction: 600, Session: 3600, Grant: 3600,
         RefreshToken: 3600 },
  issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access"),
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["cxgov-local-oidc-cookie-key-not-secret"] },
});
// The findAccount above refuses unknown logins; say so instead of a bare 500.
provider.on("server_error", (ctx, error) => console.error("oidc-provider:", error.message));
provider.listen(Number(env.OIDC_PORT), "127.0.0.1", () => {
  console.log(`oidc-provider for ${env.OIDC_ISSUER} on http://127.0.0.1:${env.OIDC_PORT}`);
});
