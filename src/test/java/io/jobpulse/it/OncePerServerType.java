package io.jobpulse.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks an IT class that depends on the server type (Payara Micro, WildFly, Tomcat) but not on its version: it runs
 * in the Payara, WildFly and Tomcat 10.1 executions, and .ci/run's Tomcat 11 pass leaves it out (the cluster ITs: each
 * boots several servers, which is most of their cost; BrowserIT: the page and its transports are the same on both
 * Tomcats).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(OncePerServerType.TAG)
@interface OncePerServerType {

    /** The JUnit tag, as .ci/run's Tomcat 11 pass names it in {@code tomcat.it.excludedGroups}. */
    String TAG = "once-per-server-type";
}
