package io.aldis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between clients and the node, which sees what really crosses the wire:
 * it counts the bytes relayed each way and shows every frame to a {@link Watcher}, and it can drop
 * every connection through it as a network that fails would ({@link #cut()}: a reset both ways,
 * so what either side wrote and the other has not read is lost, and neither gets a close frame).
 * New connections go through afterwards. Each direction of a connection is relayed by a thread of
 * its own with blocking sockets: simple, and fast enough for loopback at a few hundred MB/s.
 */
final class WireProxy implements AutoCloseable {
    /** Told of every frame relayed once its head passed, on the relaying thread; two threads may call it at once. */
    interface Watcher {
        /**
         * @param connection the connection's number, from 1 in the order the proxy accepted them
         * @param fromClient whether the frame went from the client to the node
         */
        void frame(int connection, boolean fromClient, java.nio.ByteBuffer head, int frameLength, long startNanos);
    }

    private static final int BUFFER_BYTES = 256 << 10;

    private final InetSocketAddress node;
    private final Watcher watcher;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong fromClients = new AtomicLong();
    private final AtomicLong fromNode = new AtomicLong();
    private final Thread acceptor;

    /** Starts relaying from an ephemeral loopback port to {@code nodePort} on loopback. */
    WireProxy(int nodePort, Watcher watcher) throws IOException {
        this.node = new InetSocketAddress(InetAddress.getLoopbackAddress(), nodePort);
        this.watcher = watcher;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "wire-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Bytes relayed from clients to the node so far (whole frames or not). */
    long bytesFromClients() {
        return fromClients.get();
    }

    /** Bytes relayed from the node to clients so far (whole frames or not). */
    long bytesFromNode() {
        return fromNode.get();
    }

    /** Resets every connection through the proxy now, both sides. */
    void cut() {
        for (Socket socket : Set.copyOf(open)) {
            reset(socket);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                int number = accepted.incrementAndGet();
                Socket toNode = new Socket();
                toNode.connect(node);
                for (Socket s : new Socket[] {client, toNode}) {
                    s.setTcpNoDelay(true);
                    open.add(s);
                }
                relay(number, true, client, toNode, fromClients);
                relay(number, false, toNode, client, fromNode);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.out.println("wire proxy: " + e.getMessage());
                }
            }
        }
    }

    private void relay(int number, boolean fromClient, Socket from, Socket to, AtomicLong counter) {
        FrameTap tap = new FrameTap((head, length, start) -> watcher.frame(number, fromClient, head, length, start));
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    counter.addAndGet(n);
                    // the tap sees the bytes before the peer does, so a cut the watcher asks for
                    // on a frame lands before that frame is delivered
                    tap.feed(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            } catch (SocketException closedOrCut) {
                // the connection went, by a cut or by either side: the other direction follows
            } catch (IOException e) {
                System.out.println("wire proxy: " + e.getMessage());
            } finally {
                close(from);
                close(to);
            }
        }, "wire-proxy-" + number + (fromClient ? "-up" : "-down"));
        thread.setDaemon(true);
        thread.start();
    }

    private void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // gone on its own meanwhile: nothing left to reset
        }
        close(socket);
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is asked
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
