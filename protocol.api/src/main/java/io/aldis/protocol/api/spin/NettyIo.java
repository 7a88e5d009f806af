package io.aldis.protocol.api.spin;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;

/**
 * Which of Netty's I/O transports event loops and sockets use: Linux's native epoll where Netty's
 * native library loads (fewer system calls per read, write and wake-up), Java's NIO everywhere
 * else. The node's listeners and the Java client take theirs from {@link #fromSystemProperty()}.
 */
public enum NettyIo {
    /** Java's NIO selector: every platform. */
    NIO,
    /** Linux epoll through Netty's native library ({@code netty-transport-native-epoll}). */
    EPOLL;

    /**
     * The system property that picks the transport: {@code auto} (the default: epoll where it
     * loads, NIO otherwise), {@code epoll} (epoll or an error saying why it cannot load) or
     * {@code nio}.
     */
    public static final String PROPERTY = "aldis.io";

    /** The transport {@link #PROPERTY} asks for. */
    public static NettyIo fromSystemProperty() {
        return choose(System.getProperty(PROPERTY, "auto"));
    }

    /**
     * The transport named {@code wanted}: {@code auto}, {@code epoll} or {@code nio}, in any case.
     *
     * @throws IllegalArgumentException for another name, or for {@code epoll} where it cannot load
     */
    public static NettyIo choose(String wanted) {
        switch (wanted.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return nativeUnavailable() == null ? EPOLL : NIO;
            case "epoll":
                Throwable cause = nativeUnavailable();
                if (cause != null) {
                    throw new IllegalArgumentException(PROPERTY + "=epoll, but Netty's native epoll transport "
                            + "cannot be used here: " + cause.getMessage(), cause);
                }
                return EPOLL;
            case "nio":
                return NIO;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be auto, epoll or nio, not '" + wanted + "'");
        }
    }

    /** Why epoll cannot be used here (not Linux, native library missing), or null when it can. */
    public static Throwable nativeUnavailable() {
        return Probe.UNAVAILABLE;
    }

    /** A factory of this transport's I/O handlers, which wait for I/O as {@code strategy} says. */
    public IoHandlerFactory handlerFactory(SelectStrategyFactory strategy) {
        return this == EPOLL ? EpollParts.handlerFactory(strategy)
                : NioIoHandler.newFactory(SelectorProvider.provider(), strategy);
    }

    /** A factory of this transport's I/O handlers that block as soon as they have nothing to do. */
    public IoHandlerFactory handlerFactory() {
        return this == EPOLL ? EpollParts.handlerFactory() : NioIoHandler.newFactory();
    }

    /** The class of this transport's listening sockets. */
    public Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollParts.serverChannel() : NioServerSocketChannel.class;
    }

    /** The class of this transport's connected sockets. */
    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollParts.socketChannel() : NioSocketChannel.class;
    }

    /** The transport's name in log lines and settings: {@code epoll} or {@code nio}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Loads Netty's epoll classes only when asked, and only once: where the package is missing (a
     * framework without the native bundle) the failure to load is the answer, not an error.
     */
    private static final class Probe {
        static final Throwable UNAVAILABLE = probe();

        private static Throwable probe() {
            try {
                return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            } catch (LinkageError e) {
                return new UnsupportedOperationException("Netty's epoll classes are not on the class path", e);
            }
        }
    }

    /** Every reference to an epoll class, in a class loaded only once epoll is known to work. */
    private static final class EpollParts {
        static IoHandlerFactory handlerFactory(SelectStrategyFactory strategy) {
            return EpollIoHandler.newFactory(0, strategy);
        }

        static IoHandlerFactory handlerFactory() {
            return EpollIoHandler.newFactory();
        }

        static Class<? extends ServerSocketChannel> serverChannel() {
            return EpollServerSocketChannel.class;
        }

        static Class<? extends SocketChannel> socketChannel() {
            return EpollSocketChannel.class;
        }
    }
}
