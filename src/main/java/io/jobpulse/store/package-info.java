/** Durable state: plain JDBC over a DataSource, Flyway migrations, the jobs table and the append-only event log. */
package io.jobpulse.store;
