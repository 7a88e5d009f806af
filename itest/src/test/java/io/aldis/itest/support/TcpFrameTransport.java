package io.aldis.itest.support;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Frames over a TCP socket, each behind its 4-byte big-endian length prefix (docs/protocol.md §2.1). */
public final class TcpFrameTransport implements FrameTransport {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** Frames over a socket the caller opened and connected, such as a TLS socket. */
    public TcpFrameTransport(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        // Buffered so that frames written together leave in one segment; flush() sends them.
        out = new BufferedOutputStream(socket.getOutputStream(), 65_536);
    }

    /** A connection to {@code port} on 127.0.0.1. */
    public static TcpFrameTransport connect(int port) throws IOException {
        return connect(port, 0);
    }

    /**
     * A connection to {@code port} on 127.0.0.1 whose socket receive buffer is {@code receiveBuffer}
     * bytes (0: the system's default); a small one plays a client that reads slowly.
     */
    public static TcpFrameTransport connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new TcpFrameTransport(socket);
    }

    /** A connection to {@code port} on loopback from another loopback address, such as 127.0.0.7. */
    public static TcpFrameTransport connectFrom(String localAddress, int port) throws IOException {
        return new TcpFrameTransport(new Socket(InetAddress.getLoopbackAddress(), port,
                InetAddress.getByName(localAddress), 0));
    }

    @Override
    public void write(byte[] frame) throws IOException {
        synchronized (out) {
            out.write(frame.length >>> 24);
            out.write(frame.length >>> 16);
            out.write(frame.length >>> 8);
            out.write(frame.length);
            out.write(frame);
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (out) {
            out.flush();
        }
    }

    @Override
    public void sendRaw(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    @Override
    public byte[] receive(int timeoutMillis) throws IOException {
        socket.setSoTimeout(Math.max(1, timeoutMillis));
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
