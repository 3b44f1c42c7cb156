/** The {@code jobpulse.v1} protocol: message records for each direction and their JSON-P codecs. */
package io.jobpulse.protocol;
