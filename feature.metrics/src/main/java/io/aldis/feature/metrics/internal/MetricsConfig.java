package io.aldis.feature.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metrics endpoint, PID {@code io.aldis.metrics} ({@code etc/io.aldis.metrics.cfg}). It binds a
 * port of its own, never a client listener's, and by default only on loopback; editing the file
 * rebinds it in place.
 */
@ObjectClassDefinition(name = "Aldis metrics endpoint",
        description = "The node's figures in the Prometheus text format over HTTP, on a port of their own")
public @interface MetricsConfig {
    @AttributeDefinition(description = "Serve the endpoint; false closes it")
    boolean enabled() default true;

    @AttributeDefinition(description = "Address to bind; 127.0.0.1 keeps the figures local, 0.0.0.0 opens them to the network")
    String host() default MetricsSettings.DEFAULT_HOST;

    @AttributeDefinition(description = "TCP port; 0 picks a free one")
    int port() default MetricsSettings.DEFAULT_PORT;

    @AttributeDefinition(description = "HTTP path a scraper asks with GET")
    String path() default MetricsSettings.DEFAULT_PATH;
}
