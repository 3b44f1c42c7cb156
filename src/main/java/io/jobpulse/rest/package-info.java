/** The REST API under {@code /api}: submit, read, list and cancel jobs, their event log, and the job types; errors as problem+json. */
package io.jobpulse.rest;
