/**
 * The fan-out benchmark ({@code mvn -Pbench verify}, docs/performance.md): a driver that starts JobPulse on the real
 * containers and two reference broadcasters, a raw-NIO load client, and the reports; never part of the WAR.
 */
package io.jobpulse.bench;
