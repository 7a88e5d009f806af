package io.aldis.feature.streaming.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration {@code etc/io.aldis.feature.streaming.cfg}; every key may be changed while the node runs. */
@ObjectClassDefinition(name = "Aldis streaming", description = "Limits and scheduling of the streams of RPC calls")
public @interface StreamingConfig {
    @AttributeDefinition(description = "Streams one session may have open; more are refused with STREAM_LIMIT")
    int maxStreamsPerSession() default 64;

    @AttributeDefinition(description = "Streams the node may have open over all sessions; more are refused with "
            + "STREAM_LIMIT")
    int maxStreams() default 10000;

    @AttributeDefinition(description = "Largest high-water mark a method may declare for the items it receives in "
            + "items mode; a larger one is refused with STREAM_LIMIT")
    int maxHighWaterMarkItems() default 4096;

    @AttributeDefinition(description = "Largest high-water mark a method may declare for the items it receives in "
            + "bytes and custom mode (bytes, or the size function's unit); a larger one is refused with STREAM_LIMIT")
    int maxHighWaterMarkBytes() default 16 * 1024 * 1024;

    @AttributeDefinition(description = "Stream bytes one session's connection writes in one turn before other "
            + "frames waiting for the connection get their turn")
    int bytesPerTurn() default 64 * 1024;

    @AttributeDefinition(description = "Threads that hand received items to the services' subscribers and talk to "
            + "the services' publishers")
    int workerThreads() default 8;

    @AttributeDefinition(description = "Streams a session may have cancelled by its client (STREAM_CANCEL or "
            + "RPC_CANCEL) within rapidResetWindowMillis; past half of it the session is held for a tenth of the "
            + "window, once per window, past all of it the session is closed with RATE_LIMITED")
    int rapidResetMaxCancels() default 200;

    @AttributeDefinition(description = "The window, in milliseconds, over which cancelled streams are counted")
    int rapidResetWindowMillis() default 1000;

    @AttributeDefinition(description = "How long, in milliseconds, the streams of a connection that broke wait "
            + "for the client to resume its session with its token and go on where they stopped; 0 ends them "
            + "with the connection")
    int resumeWindowMillis() default 30000;

    @AttributeDefinition(description = "Bytes of sent, not yet consumed items the node keeps over all streams so "
            + "that a resumed session gets again what a broken connection lost; a stream that would need more is not "
            + "kept when its connection breaks, and ends with it")
    long maxResendBytes() default 134217728L;

    @AttributeDefinition(description = "The longest, in microseconds, a service's publisher may keep a "
            + "connection's event loop in one request(n); after a second request past it within 1024 (or one 100 "
            + "times past it) the requests of that streaming method go to the workers until 1024 in a row there keep "
            + "within it (doubling each time). 0 asks publishers on the workers only")
    int publisherOnLoopMicros() default 500;
}
