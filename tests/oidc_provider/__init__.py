"""A real OpenID Connect provider for the single sign-on tests: a tiny Django project running
django-oauth-toolkit's provider, started in its own process by ``serve.py`` (see tests/browser/
test_single_sign_on.py). It stands in for Microsoft Entra ID or Google Workspace, speaking the same protocol:
authorisation code with PKCE, RS256-signed ID tokens, a JWKS and a userinfo endpoint, and discovery."""
