/** JSON-P helpers shared by the store, the protocol codecs and the REST API: JSON-like maps to text and back. */
package io.jobpulse.json;
