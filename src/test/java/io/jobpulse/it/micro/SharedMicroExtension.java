package io.jobpulse.it.micro;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Registers {@link SharedMicroContainer} in the Payara failsafe execution only ({@code jobpulse.it.server=payara}):
 * the test classes, and with them this extension's service file, are on every execution's class path, and the
 * Tomcat and WildFly executions have their own container adapters (Arquillian takes exactly one).
 */
public final class SharedMicroExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        if ("payara".equals(System.getProperty("jobpulse.it.server"))) {
            builder.service(DeployableContainer.class, SharedMicroContainer.class);
        }
    }
}
