package io.jobpulse.it;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR exactly as {@code mvn package} built it; the integration tests never assemble their own. */
final class Deployments {

    private Deployments() {}

    static WebArchive builtWar() {
        File war = new File(System.getProperty("jobpulse.war", "target/jobpulse.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " is missing: run the tests through mvn verify");
        }
        return ShrinkWrap.create(ZipImporter.class, "jobpulse.war")
                .importFrom(war)
                .as(WebArchive.class);
    }

    /**
     * The built WAR with {@code jobpulse.*} settings as JNDI env-entries in a {@code WEB-INF/web.xml}, the way an
     * operator may configure one deployment (docs/limits.md). The test servers set only other keys as system
     * properties, which would win.
     */
    static WebArchive builtWarWith(Map<String, String> settings) {
        WebArchive war = builtWar();
        if (war.contains("WEB-INF/web.xml")) {
            throw new IllegalStateException("the built WAR has a web.xml; merge the settings into it");
        }
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="false">
                """);
        new TreeMap<>(settings).forEach((key, value) -> xml.append("""
                  <env-entry>
                    <env-entry-name>%s</env-entry-name>
                    <env-entry-type>java.lang.String</env-entry-type>
                    <env-entry-value>%s</env-entry-value>
                  </env-entry>
                """.formatted(key, value)));
        xml.append("</web-app>\n");
        return war.setWebXML(new StringAsset(xml.toString()));
    }
}
