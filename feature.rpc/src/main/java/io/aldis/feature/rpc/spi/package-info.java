/**
 * What RPC offers a bundle that links this node to others, and what it expects from one. RPC
 * registers {@link io.aldis.feature.rpc.spi.LocalCalls} while it runs: the services this node can
 * serve with their calls in flight, and a way to run a call that another node sent. A bundle that
 * links nodes registers {@link io.aldis.feature.rpc.spi.RemoteCalls}, which RPC follows through the
 * whiteboard and asks, for every call, whether another node should serve it. Since 1.1 a call
 * with streams crosses too: through a {@link io.aldis.feature.rpc.spi.StreamingPeer} on the
 * calling node and a {@link io.aldis.feature.rpc.spi.StreamOpener} on the serving node. Without a
 * {@code RemoteCalls} service RPC serves every call on this node alone, exactly as before.
 *
 * <p>Dependencies point one way: the linking bundle imports this package, and RPC, which
 * exports it, never imports anything of the linking bundle.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.feature.rpc.spi;
