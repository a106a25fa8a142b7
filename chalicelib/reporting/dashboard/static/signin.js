// cxgov sign-in: the OpenID Connect authorization code flow with PKCE (RFC 7636), in the browser,
// against the issuer the page is configured with (its discovery document). Every dashboard page
// loads it before core.js, and so does the callback page. Tokens stay in this tab:
// sessionStorage, never cookies or localStorage. The pages use it through window.cxgovAuth:
//   configured()        whether the page was given an issuer and a client id
//   signIn(returnTo)    goes to the issuer's sign-in; the callback page comes back to `returnTo`
//   handleCallback()    on the callback page: checks `state`, redeems the code with the verifier
//   token()             the bearer token for the API, or null when signed out or expired
//   onChange(cb)        cb(token, reason) on "signed-in", "renewed", "expired", "signed-out"
//   signOut()           forgets the tokens and ends the issuer's session where it offers that
// Renewal: with a refresh token (Cognito gives one; local: scope offline_access) the token is
// renewed a minute before it expires; without one, or if renewal fails, onChange(null, "expired")
// lets the page ask for a new sign-in.
"use strict";
(function () {
  const SESSION = "cxgov.oidc.session";
  const PENDING = "cxgov.oidc.pending";
  const DISCOVERY = "cxgov.oidc.discovery";
  const store = window.sessionStorage;
  const listeners = [];
  let timer = null;

  function pageConfig() {
    try { return JSON.parse(document.getElementById("dashboard-config").textContent) || {}; } catch (e) { return {}; }
  }
  const page = pageConfig();
  const cfg = page.oidc || null;
  // The API's root path as the browser sees it: this script is served at …/dashboard/static/signin.js
  // (the page's `base`, the stage prefix the API saw, is the fallback).
  const script = document.currentScript && document.currentScript.src;
  const base = script ? new URL("../../", script).pathname : (typeof page.base === "string" ? page.base : "/");
  const here = (path) => window.location.origin + base + path;

  function b64url(bytes) {
    let text = "";
    for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));
  async function challenge(verifier) {
    return b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  }
  function claimsOf(jwt) {
    const part = String(jwt || "").split(".")[1];
    if (!part) return null;
    try {
      const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
      return JSON.parse(decodeURIComponent(Array.from(json, (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join("")));
    } catch (e) { return null; }
  }
  const now = () => Math.floor(Date.now() / 1000);

  async function discovery() {
    const kept = store.getItem(DISCOVERY);
    if (kept) return JSON.parse(kept);
    const url = cfg.discovery_url || cfg.issuer.replace(/\/$/, "") + "/.well-known/openid-configuration";
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("The identity provider's discovery document is unavailable (" + response.status + ").");
    const doc = await response.json();
    if (doc.issuer !== cfg.issuer) throw new Error("The discovery document names another issuer: " + doc.issuer);
    store.setItem(DISCOVERY, JSON.stringify(doc));
    return doc;
  }

  async function tokenRequest(fields) {
    const doc = await discovery();
    const response = await fetch(doc.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({ client_id: cfg.client_id, ...fields }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error("The identity provider refused the sign-in: " + (body.error || response.status) +
                      (body.error_description ? " (" + body.error_description + ")" : ""));
    }
    return body;
  }

  function bearerOf(session) {
    return cfg && cfg.bearer === "access_token" ? session.access_token : session.id_token;
  }
  function expiryOf(session) {
    const claims = claimsOf(bearerOf(session));
    return claims && claims.exp ? claims.exp : session.expires_at;
  }
  function load() {
    try { return JSON.parse(store.getItem(SESSION)); } catch (e) { return null; }
  }
  function notify(token, reason) {
    for (const cb of listeners) { try { cb(token, reason); } catch (e) { /* a listener's own problem */ } }
  }
  function clear() {
    store.removeItem(SESSION);
    if (timer) { clearTimeout(timer); timer = null; }
  }
  function save(tokens, previous, nonce) {
    const claims = claimsOf(tokens.id_token);
    if (tokens.id_token) {
      const aud = claims && (Array.isArray(claims.aud) ? claims.aud : [claims.aud]);
      if (!claims || claims.iss !== cfg.issuer || !aud.includes(cfg.client_id)) {
        throw new Error("The identity provider answered with a token for another issuer or client.");
      }
      if (nonce !== undefined && claims.nonce !== nonce) throw new Error("The ID token does not carry this sign-in's nonce.");
    }
    const session = {
      id_token: tokens.id_token || (previous && previous.id_token),
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token || (previous && previous.refresh_token) || null,
      expires_at: now() + Number(tokens.expires_in || 300),
    };
    if (!bearerOf(session)) throw new Error("The identity provider answered without the token the API needs.");
    store.setItem(SESSION, JSON.stringify(session));
    schedule(session);
    return session;
  }

  function schedule(session) {
    if (timer) clearTimeout(timer);
    const left = expiryOf(session) - now();
    if (session.refresh_token) {
      timer = setTimeout(renew, Math.max(5, left - 60) * 1000);
    } else {
      timer = setTimeout(() => { clear(); notify(null, "expired"); }, Math.max(0, left) * 1000);
    }
  }

  async function renew() {
    const session = load();
    if (!session || !session.refresh_token) return;
    try {
      const renewed = save(await tokenRequest({ grant_type: "refresh_token", refresh_token: session.refresh_token }), session);
      notify(bearerOf(renewed), "renewed");
    } catch (e) {
      clear();
      notify(null, "expired");
    }
  }

  function sameSite(url) {
    try {
      const u = new URL(url, window.location.href);
      return u.origin === window.location.origin && u.pathname.startsWith(base) ? u.href : here("dashboard");
    } catch (e) { return here("dashboard"); }
  }

  const api = {
    configured: () => Boolean(cfg && cfg.issuer && cfg.client_id),

    async signIn(returnTo) {
      const doc = await discovery();
      const pending = { state: random(32), nonce: random(32), verifier: random(48), return_to: sameSite(returnTo || window.location.href) };
      store.setItem(PENDING, JSON.stringify(pending));
      const url = new URL(doc.authorization_endpoint);
      const params = {
        response_type: "code", client_id: cfg.client_id, redirect_uri: here("dashboard/callback"),
        scope: cfg.scope || "openid", state: pending.state, nonce: pending.nonce,
        code_challenge: await challenge(pending.verifier), code_challenge_method: "S256",
        ...(cfg.extra_params || {}),
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      window.location.assign(url.href);
    },

    async handleCallback() {
      const params = new URLSearchParams(window.location.search);
      const pending = JSON.parse(store.getItem(PENDING) || "null");
      store.removeItem(PENDING);  // one answer per sign-in: a replayed callback finds nothing
      window.history.replaceState(null, "", window.location.pathname);  // the code leaves the address bar
      if (params.get("error")) throw new Error("The identity provider refused the sign-in: " + (params.get("error_description") || params.get("error")));
      if (!pending || !params.get("state") || params.get("state") !== pending.state) {
        throw new Error("This sign-in answer does not belong to a sign-in started in this tab (state mismatch): it was refused.");
      }
      const tokens = await tokenRequest({ grant_type: "authorization_code", code: params.get("code") || "",
                                          redirect_uri: here("dashboard/callback"), code_verifier: pending.verifier });
      const session = save(tokens, null, pending.nonce);
      notify(bearerOf(session), "signed-in");
      return pending.return_to;
    },

    token() {
      const session = load();
      if (!session) return null;
      if (expiryOf(session) <= now() + 5) {
        if (!session.refresh_token) clear();
        return null;
      }
      if (!timer) schedule(session);
      return bearerOf(session);
    },

    onChange(cb) { listeners.push(cb); },

    async signOut() {
      const session = load();
      clear();
      notify(null, "signed-out");
      if (!cfg) return;
      const doc = JSON.parse(store.getItem(DISCOVERY) || "null");
      const back = here("dashboard");
      let url = null;
      if (doc && doc.end_session_endpoint) {
        url = new URL(doc.end_session_endpoint);
        url.searchParams.set("client_id", cfg.client_id);
        url.searchParams.set("post_logout_redirect_uri", back);
        if (session && session.id_token) url.searchParams.set("id_token_hint", session.id_token);
      } else if (cfg.logout_url) {  // Cognito's /logout takes client_id and logout_uri
        url = new URL(cfg.logout_url);
        url.searchParams.set("client_id", cfg.client_id);
        url.searchParams.set("logout_uri", back);
      }
      if (url) window.location.assign(url.href);
    },
  };
  window.cxgovAuth = api;

  if (document.body && document.body.dataset.page === "callback") {
    const status = document.getElementById("status");
    api.handleCallback().then((returnTo) => { window.location.replace(returnTo); }, (error) => {
      status.className = "usa-alert usa-alert--error usa-alert--slim cx-status";
      status.setAttribute("role", "alert");
      status.innerHTML = '<div class="usa-alert__body"><p class="usa-alert__text"></p></div>';
      status.querySelector("p").textContent = error.message;
      document.getElementById("again").hidden = false;
    });
  }
})();
