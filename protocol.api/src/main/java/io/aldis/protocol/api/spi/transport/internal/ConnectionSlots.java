package io.aldis.protocol.api.spi.transport.internal;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener's open connections, counted against its limit: a connection takes a slot when it is
 * accepted and gives it back when its channel closes, and the listener closes every connection
 * holding a slot when it stops. Thread-safe: connections come and go on many event loops.
 */
public final class ConnectionSlots {
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();

    /**
     * Takes a slot for {@code channel}, given back when the channel closes; takes none and
     * returns false when {@code limit} connections hold one already.
     */
    public boolean take(Channel channel, int limit) {
        if (open.incrementAndGet() > limit) {
            open.decrementAndGet();
            return false;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        channels.add(channel);
        return true;
    }

    /** Connections holding a slot right now. */
    public int open() {
        return open.get();
    }

    /** Closes every connection holding a slot, waiting for them at most {@code timeout}. */
    public void closeAll(long timeout, TimeUnit unit) {
        channels.close().awaitUninterruptibly(timeout, unit);
    }
}
