/**
 * Who may do what: API keys for submitters, HMAC watch tokens for watchers, HMAC report tokens for the workers of
 * external jobs, the handshake origin policy.
 */
package io.jobpulse.security;
