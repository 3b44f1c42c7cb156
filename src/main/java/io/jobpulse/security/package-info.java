/** Who may do what: API keys for submitters, HMAC watch tokens for watchers, the handshake origin policy. */
package io.jobpulse.security;
