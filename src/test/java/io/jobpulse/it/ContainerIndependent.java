package io.jobpulse.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks an IT class or method whose behaviour is JobPulse's own and the same on every server (REST semantics, job
 * lifecycle order, limits counted by JobPulse), or a class that starts every server it needs itself whichever
 * execution runs it (MixedClusterIT): it runs in one server execution only (Tomcat 10.1), not on every server. Leave it
 * off when in doubt: an IT without it runs on every server (see package-info.java).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(ContainerIndependent.TAG)
@interface ContainerIndependent {

    /** The JUnit tag, as the pom's failsafe executions name it in {@code excludedGroups}. */
    String TAG = "container-independent";
}
