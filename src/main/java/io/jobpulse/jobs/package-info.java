/**
 * The job types shipped in the WAR: {@code steps} for demos and tests, two that do real work, and {@code external}, the
 * generic type of jobs a worker outside JobPulse runs and reports.
 */
package io.jobpulse.jobs;
