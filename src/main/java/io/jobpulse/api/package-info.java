/**
 * The API for adding job types to JobPulse: {@link io.jobpulse.api.JobHandler} (a CDI bean that runs one type's jobs),
 * the {@link io.jobpulse.api.JobContext} it runs with, its {@link io.jobpulse.api.JobType} and
 * {@link io.jobpulse.api.ParameterSpec}s, the validated {@link io.jobpulse.api.JobParameters}, the exceptions a handler
 * throws or lets through, and {@link io.jobpulse.api.ExternalJobType} for jobs that run outside JobPulse. Published as
 * the artifact {@code io.jobpulse:jobpulse-api} (scope {@code provided}: the classes are in the JobPulse WAR), which
 * has no dependencies; this package uses nothing but {@code java.*} ({@code ArchitectureTest} checks it).
 *
 * <p><b>Stability.</b> This package is the whole surface an application's job types may use; every other
 * {@code io.jobpulse} package is internal and may change in any release. The API is versioned with the server: use the
 * {@code jobpulse-api} of the same version as the WAR you overlay or deploy. Within a major version (within a minor
 * version while the version is 0.x) nothing in it is removed or changes meaning: a handler compiled against an older
 * {@code jobpulse-api} runs on a newer server. Additions (a new default method, a new factory, a new
 * {@link io.jobpulse.api.ParameterKind}) may come in any release; do not implement {@link io.jobpulse.api.JobContext}
 * outside tests, since it may gain methods. How to write a handler, and the WAR overlay that deploys one:
 * {@code docs/job-handlers.md}.
 */
package io.jobpulse.api;
