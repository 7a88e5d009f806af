package io.aldis.protocol.api.spi.auth;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One authentication attempt: the node feeds it the client's messages in order (the data of
 * AUTH_START, then of each AUTH_RESPONSE) until it answers {@link AuthStep.Success} or
 * {@link AuthStep.Failure}. Steps may complete on another thread, so that a slow check (a JAAS
 * realm, a directory) never blocks an event loop.
 */
@ConsumerType
public interface AuthenticationExchange {
    /** Judges the client's next message. */
    CompletionStage<AuthStep> step(byte[] clientMessage);
}
