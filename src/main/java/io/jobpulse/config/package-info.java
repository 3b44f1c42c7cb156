/**
 * Configuration: every {@code jobpulse.*} key with its default and validation, grouped by key prefix into the records
 * {@code JobPulseConfig} exposes, and where values are read from ({@code SettingsSource}).
 */
package io.jobpulse.config;
