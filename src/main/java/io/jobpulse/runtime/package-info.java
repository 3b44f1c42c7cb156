/** What the container provides, or JobPulse supplies where it does not (Tomcat): executors and timers. */
package io.jobpulse.runtime;
