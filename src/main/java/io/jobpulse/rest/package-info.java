/**
 * The REST API under {@code /api} (submit, read, list and cancel jobs, their event log and its long poll, the job
 * types, the node's figures, and the API's OpenAPI document, {@code /api/openapi.json}) and, for clients with the admin role ({@code AdminFilter}, {@code security.AdminRole}), the
 * admin API under {@code /api/admin} (every client's jobs); it builds on {@code http}, {@code execution}, {@code hub}, {@code protocol},
 * {@code store}, {@code security}, {@code json}, {@code metrics} and {@code config}, never on {@code fallback}, and of
 * {@code websocket} it reads only {@code OpenSessions.size()}, the connection count {@code GET /api/node} reports.
 */
package io.jobpulse.rest;
