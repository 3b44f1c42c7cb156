/** The job domain: identity, state machine, progress and the per-job event sequence; no transport or JSON here. */
package io.jobpulse.job;
