"""The second factor of the login: authenticator apps (TOTP), passkeys (WebAuthn), recovery codes."""
