package io.jobpulse.it;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** Base of the integration tests that Arquillian runs against the built WAR: clients for alice and the ws URI. */
@ExtendWith(ArquillianExtension.class)
abstract class DeployedWar {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL deployment;

    URI base;
    ApiClient alice;
    URI ws;

    @BeforeEach
    void clients() {
        base = ApiClient.loopback(deployment);
        alice = new ApiClient(base, ApiClient.ALICE);
        ws = alice.wsUri();
    }
}
