package io.aldis.itest.karaf;

import io.aldis.feature.pubsub.api.MessageContext;
import io.aldis.feature.pubsub.api.MessageHandler;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Activator of the handler bundle {@link PubSubFeatureIT} builds: serves the message type
 * {@value #TYPE} and answers {@code echo:} followed by the payload. It runs in its own bundle,
 * never in the test's.
 */
public final class EchoHandlerActivator implements BundleActivator, MessageHandler {

    static final String TYPE = "echo";

    @Override
    public void start(BundleContext context) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(MessageHandler.TYPE, TYPE);
        context.registerService(MessageHandler.class, this, properties);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }

    @Override
    public CompletionStage<byte[]> handle(MessageContext context, byte[] payload) {
        byte[] prefix = "echo:".getBytes(StandardCharsets.UTF_8);
        byte[] reply = new byte[prefix.length + payload.length];
        System.arraycopy(prefix, 0, reply, 0, prefix.length);
        System.arraycopy(payload, 0, reply, prefix.length, payload.length);
        return CompletableFuture.completedFuture(reply);
    }
}
