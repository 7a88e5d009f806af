/**
 * Stream SPI: how the RPC feature, which runs calls, and the streaming feature, which runs the
 * streams attached to them (docs/protocol.md 6.4), work together without either importing the
 * other. The streaming feature registers {@link CallStreams}; the RPC feature uses it while it is
 * there and answers calls with batches while it is not, and relays the streams of calls it forwards
 * to clients that provide services through it ({@link StreamRelay}), also for a caller on another
 * node ({@link CallerSide}). A publisher whose items fail with a {@link StreamFailure} ends its
 * stream with that failure's code.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package io.aldis.protocol.api.spi.stream;
