/** Configuration: every {@code jobpulse.*} key, its default, and where it is read from. */
package io.jobpulse.config;
