/** The job types shipped in the WAR: {@code steps} for demos and tests, and two that do real work. */
package io.jobpulse.jobs;
