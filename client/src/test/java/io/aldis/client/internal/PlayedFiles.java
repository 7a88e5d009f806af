package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisException;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.netty.channel.embedded.EmbeddedChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PlayedNode} for file transfers: the client's transfers run on the thread that hands a
 * frame in (their pool runs tasks in the caller), so what the client does about a frame is done,
 * and written, when {@link #send} returns; their clock stands still unless the test moves it.
 */
final class PlayedFiles implements AutoCloseable {
    static final long FILES = Capability.maskOf(EnumSet.of(Capability.FILE_TRANSFER, Capability.LZ4,
            Capability.RESUME_TOKEN));
    static final long NO_FILES = Capability.maskOf(EnumSet.of(Capability.LZ4, Capability.RESUME_TOKEN));

    /** The boot of the machine every played client runs on, unless a test says otherwise. */
    static final UUID BOOT = UUID.fromString("5f0c2a7e-93d1-4b6e-a8f4-2e71c0d9b354");

    final PlayedNode node;
    /** Connection events the application hears, in order. */
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** A client that announces file transfer and LZ4 and reconnects at once, up to 3 times. */
    PlayedFiles() {
        this(() -> 0L);
    }

    /** Such a client whose transfers read the time from {@code nanoClock}, which the test moves. */
    PlayedFiles(java.util.function.LongSupplier nanoClock) {
        this(nanoClock, Optional.of(BOOT));
    }

    /** Such a client on a machine in {@code boot}: a test plays a restart of the machine with another. */
    PlayedFiles(java.util.function.LongSupplier nanoClock, Optional<UUID> boot) {
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void disconnected(DisconnectReason reason) {
                events.add("disconnected");
            }

            @Override
            public void reconnected(SessionInfo session) {
                events.add("reconnected");
            }

            @Override
            public void reconnectFailed(AldisException cause) {
                events.add("reconnect failed");
            }
        };
        node = new PlayedNode(EnumSet.of(Capability.FILE_TRANSFER, Capability.LZ4), Map.of(),
                ReconnectPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(1), 3), listener);
        node.client.useFiles(Runnable::run, nanoClock, boot);
    }

    /** Connects and opens the session with file transfer offered. */
    void open() throws Exception {
        node.login(FILES, 1 << 20, "token-1");
    }

    DefaultAldisClient client() {
        return node.client;
    }

    void send(Frame... frames) {
        node.send(frames);
    }

    <T extends Frame> T next(Class<T> type) {
        return node.next(type);
    }

    Frame poll() {
        return node.poll();
    }

    void noMoreOutbound() {
        node.noMoreOutbound();
    }

    String nextEvent(String prefix) throws InterruptedException {
        for (;;) {
            String event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("a connection event starting with " + prefix).isNotNull();
            if (event.startsWith(prefix)) {
                return event;
            }
        }
    }

    /** Cuts the connection, dropping what the node did not read, and waits until the client has dealt with it. */
    void cut() throws Exception {
        EmbeddedChannel lost = node.channel;
        lost.close();
        lost.finishAndReleaseAll();
        nextEvent("disconnected");
        node.awaitCallbacksHere();
    }

    /** Lets the client reconnect; it resumes its session by token. */
    void reconnect(long capabilities) throws Exception {
        node.accept(capabilities, 1 << 20);
        nextEvent("reconnected");
    }

    @Override
    public void close() throws Exception {
        node.close();
    }

    // ---------------------------------------------------------------- bytes

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    /** Chunk {@code index} of {@code file} as the node would send it. */
    static ChunkData chunk(java.util.UUID transferId, byte[] file, ChunkLayout layout, int index,
            Compression compression) {
        int offset = (int) layout.offsetOf(index);
        ChunkCodec.Encoded encoded = ChunkCodec.encode(file, offset, layout.sizeOf(index), compression);
        return new ChunkData(encoded.compressed(), index == layout.chunkCount() - 1, transferId, index,
                encoded.originalSize(), encoded.crc32(), encoded.data());
    }

    /** The bytes a CHUNK_DATA from the client carries, checked and restored as a node would. */
    static byte[] decode(ChunkData data, ChunkLayout layout) {
        return ChunkCodec.decode(data.compressed(), data.data(), data.originalSize(), layout.sizeOf(data.chunkIndex()),
                data.crc32());
    }
}
