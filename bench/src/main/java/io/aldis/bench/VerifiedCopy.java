package io.aldis.bench;

import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.FileSha256;
import io.aldis.protocol.api.files.WriteBack;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The least work any verified transfer on this machine must do, with no protocol around it: the
 * sender reads the file in chunks of the node's default size and sends each with its CRC-32; the
 * receiver checks every chunk's CRC-32, writes it to a file beside the final name (written back to
 * the disk while it arrives, as the node and the client do), syncs it and renames it into place. With
 * {@code sha256}, both sides also hash the whole file with SHA-256 and the receiver compares the two
 * before the rename, as issue 18 asks of the node and the client; each side hashes on a thread of its
 * own beside its I/O, and the server sends a download with the hash it kept from the upload, as the
 * node does. One connection per file, no compression, no checkpoints, no resume, no ACLs.
 *
 * <p>It is measured beside the node and its peers in {@code bench/run-files.sh transfer} so that its
 * CPU seconds per GiB say how much of the node's cost any verified transfer would pay here.
 */
final class VerifiedCopy {
    /** The node's default {@code maxChunkSize}: 1 MiB less its CHUNK_DATA frame's header. */
    private static final int CHUNK = (1 << 20) - 34;
    private static final long WRITE_BACK_EVERY_BYTES = 8L << 20;
    private static final byte UPLOAD = 'U';
    private static final byte DOWNLOAD = 'D';
    /** The server's hash of each file it received, sent with the file on a download. */
    private static final Map<Path, byte[]> HASHES = new ConcurrentHashMap<>();

    private VerifiedCopy() {
    }

    /**
     * The server: {@code main(storeDirectory, sha256)} prints {@code port N}, then serves each
     * connection on a thread of its own until stdin says {@code quit}.
     */
    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        boolean sha256 = Boolean.parseBoolean(args[1]);
        ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ExecutorService writeBack = Executors.newSingleThreadExecutor();
        Thread acceptor = new Thread(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel connection = server.accept();
                    new Thread(() -> serve(connection, store, sha256, writeBack)).start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
        System.out.flush();
        java.io.BufferedReader commands = new java.io.BufferedReader(
                new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (true) {
            String line = commands.readLine();
            if (line == null || line.equals("quit")) {
                server.close();
                writeBack.shutdown();
                return;
            }
        }
    }

    private static void serve(SocketChannel connection, Path store, boolean sha256, ExecutorService writeBack) {
        try (connection) {
            ByteBuffer request = readFully(connection, ByteBuffer.allocate(3));
            byte kind = request.get();
            byte[] name = new byte[request.getShort()];
            readFully(connection, ByteBuffer.wrap(name));
            Path file = store.resolve(new String(name, StandardCharsets.UTF_8));
            if (kind == UPLOAD) {
                byte[] digest = receive(connection, file, sha256, writeBack);
                if (digest != null) {
                    HASHES.put(file, digest);
                }
                connection.write(ByteBuffer.wrap(new byte[] {1}));
            } else {
                send(file, connection, sha256, HASHES.get(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@link FilePeers.Mover} against a server of this class in a JVM of its own. */
    static FilePeers.Mover mover(Path work, boolean sha256) throws Exception {
        String name = sha256 ? "Java floor" : "Java floor, CRC only";
        Path store = Files.createDirectories(work.resolve(sha256 ? "floor" : "floor-crc").resolve("store"));
        ChildJvm server = new ChildJvm(System.getProperty("java.class.path"), VerifiedCopy.class.getName(),
                store.toString(), Boolean.toString(sha256));
        int port = Integer.parseInt(server.expect("port")[1]);
        ExecutorService writeBack = Executors.newSingleThreadExecutor();
        return new FilePeers.Mover() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void upload(Path source, String remoteName) throws Exception {
                try (SocketChannel connection = open(port, UPLOAD, remoteName)) {
                    send(source, connection, sha256, null);
                    readFully(connection, ByteBuffer.allocate(1));
                }
            }

            @Override
            public void download(String remoteName, Path target) throws Exception {
                try (SocketChannel connection = open(port, DOWNLOAD, remoteName)) {
                    receive(connection, target, sha256, writeBack);
                }
            }

            @Override
            public long cpuNanos() throws Exception {
                return server.cpuNanos() + ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            }

            @Override
            public Path stored(String remoteName) {
                return store.resolve(remoteName);
            }

            @Override
            public void close() {
                writeBack.shutdown();
                server.close();
            }
        };
    }

    private static SocketChannel open(int port, byte kind, String remoteName) throws IOException {
        SocketChannel connection = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        byte[] name = remoteName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer request = ByteBuffer.allocate(3 + name.length).put(kind).putShort((short) name.length).put(name);
        writeFully(connection, request.flip());
        return connection;
    }

    /**
     * Size, then each chunk as length, CRC-32 and bytes, then the SHA-256 (when asked) of the whole
     * file: {@code knownHash} when the sender already has it (the server keeps the hash of each file
     * it received, as the node does), or one it computes while sending.
     */
    private static void send(Path source, SocketChannel connection, boolean sha256, byte[] knownHash)
            throws IOException {
        try (FileChannel file = FileChannel.open(source)) {
            long size = file.size();
            writeFully(connection, ByteBuffer.allocate(8).putLong(size).flip());
            HashStage hash = sha256 && knownHash == null ? new HashStage() : null;
            ByteBuffer only = hash == null ? ByteBuffer.allocateDirect(CHUNK) : null;
            for (long at = 0; at < size; ) {
                int length = (int) Math.min(CHUNK, size - at);
                ByteBuffer chunk = hash != null ? hash.emptyBuffer() : only;
                chunk.clear().limit(length);
                while (chunk.hasRemaining()) {
                    if (file.read(chunk, at + chunk.position()) < 0) {
                        throw new EOFException(source + " shrank while it was sent");
                    }
                }
                chunk.flip();
                writeFully(connection, ByteBuffer.allocate(8).putInt(length).putInt(ChunkCodec.crc32(chunk)).flip());
                writeFully(connection, chunk.duplicate());
                if (hash != null) {
                    hash.hash(chunk);
                }
                at += length;
            }
            if (sha256) {
                writeFully(connection, ByteBuffer.wrap(hash != null ? hash.digest() : knownHash));
            }
        }
    }

    /**
     * Receives what {@link #send} sends into a file beside {@code target}; syncs it and renames it
     * into place. Returns the file's SHA-256, or null without {@code sha256}.
     */
    private static byte[] receive(SocketChannel connection, Path target, boolean sha256, ExecutorService writeBack)
            throws IOException {
        long size = readFully(connection, ByteBuffer.allocate(8)).getLong();
        Path partial = target.resolveSibling("." + target.getFileName() + ".part");
        byte[] digest = null;
        try (FileChannel file = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            WriteBack back = new WriteBack(file, writeBack, WRITE_BACK_EVERY_BYTES);
            ByteBuffer header = ByteBuffer.allocate(8);
            HashStage hash = sha256 ? new HashStage() : null;
            ByteBuffer only = hash == null ? ByteBuffer.allocateDirect(CHUNK) : null;
            for (long at = 0; at < size; ) {
                readFully(connection, header.clear());
                int length = header.getInt();
                int expected = header.getInt();
                ByteBuffer chunk = hash != null ? hash.emptyBuffer() : only;
                readFully(connection, chunk.clear().limit(length));
                if (ChunkCodec.crc32(chunk) != expected) {
                    throw new IOException("chunk at " + at + " arrived damaged");
                }
                ByteBuffer toWrite = chunk.duplicate();
                while (toWrite.hasRemaining()) {
                    file.write(toWrite, at + toWrite.position());
                }
                back.written(length);
                if (hash != null) {
                    hash.hash(chunk);
                }
                at += length;
            }
            if (hash != null) {
                byte[] sent = readFully(connection, ByteBuffer.allocate(32)).array();
                digest = hash.digest();
                if (!Arrays.equals(sent, digest)) {
                    throw new IOException(target + " arrived with another SHA-256 than its sender's");
                }
            }
            back.sync(true);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return digest;
    }

    /**
     * SHA-256 on a thread of its own beside the side's I/O, as the node and the client hash beside
     * theirs: chunks go through a few buffers that the hashing thread hands back once hashed.
     */
    private static final class HashStage {
        private static final ByteBuffer END = ByteBuffer.allocate(0);
        private final BlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(4);
        private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(4);
        private final CompletableFuture<byte[]> digest = new CompletableFuture<>();

        HashStage() {
            for (int i = 0; i < 4; i++) {
                empty.add(ByteBuffer.allocateDirect(CHUNK));
            }
            Thread hasher = new Thread(() -> {
                FileSha256 sha = new FileSha256();
                try {
                    for (ByteBuffer chunk = full.take(); chunk != END; chunk = full.take()) {
                        sha.update(chunk);
                        empty.put(chunk);
                    }
                    digest.complete(sha.digest());
                } catch (InterruptedException e) {
                    digest.completeExceptionally(e);
                }
            }, "floor-sha256");
            hasher.setDaemon(true);
            hasher.start();
        }

        ByteBuffer emptyBuffer() throws InterruptedIOException {
            try {
                return empty.take();
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
        }

        /** Hands {@code chunk}, flipped, to the hashing thread, which gives it back once hashed. */
        void hash(ByteBuffer chunk) throws InterruptedIOException {
            try {
                full.put(chunk);
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
        }

        byte[] digest() throws IOException {
            hash(END);
            return digest.join();
        }
    }

    private static ByteBuffer readFully(SocketChannel connection, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (connection.read(buffer) < 0) {
                throw new EOFException("the other side closed the connection early");
            }
        }
        return buffer.flip();
    }

    private static void writeFully(SocketChannel connection, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            connection.write(buffer);
        }
    }
}
