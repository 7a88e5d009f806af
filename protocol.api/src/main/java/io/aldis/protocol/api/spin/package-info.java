/**
 * Spinning before blocking: a thread that has run out of work stays awake for a short while when
 * work has lately been coming back within that while, because blocking and being woken again
 * costs more than a loopback round trip on a virtual machine.
 * {@link io.aldis.protocol.api.spin.SpinWindow} learns how long that while is;
 * {@link io.aldis.protocol.api.spin.SpinningSelectStrategy} applies it to Netty's NIO event loops.
 * The node's listeners, its RPC workers and the Java client's callback threads use them.
 * {@link io.aldis.protocol.api.spin.NettyIo} picks the I/O transport those event loops run on:
 * Linux's native epoll where it loads, NIO elsewhere.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.protocol.api.spin;
