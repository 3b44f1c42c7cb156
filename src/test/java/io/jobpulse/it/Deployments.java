package io.jobpulse.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR exactly as {@code mvn package} built it; the integration tests never assemble their own. */
final class Deployments {

    private Deployments() {
    }

    static WebArchive builtWar() {
        File war = new File(System.getProperty("jobpulse.war", "target/jobpulse.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: run the tests through mvn verify");
        }
        return ShrinkWrap.create(ZipImporter.class, "jobpulse.war").importFrom(war).as(WebArchive.class);
    }
}
