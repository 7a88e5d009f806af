package io.aldis.itest.support;

import io.aldis.feature.filetransfer.internal.stats.FilesStats;
import io.aldis.feature.pubsub.internal.stats.PubSubStats;
import io.aldis.feature.rpc.internal.RpcStats;
import io.aldis.feature.streaming.internal.stats.StreamingStats;
import io.aldis.node.core.internal.jmx.ListenerRow;
import io.aldis.node.core.internal.jmx.NodeAuthentication;
import io.aldis.node.core.internal.jmx.NodeJmx;
import io.aldis.node.core.internal.jmx.NodeTraffic;
import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import io.aldis.protocol.api.spi.transport.internal.NettyListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The MBeans the node's and the features' components register in Karaf, registered for a
 * {@link NodeFixture} node (which runs the engines without their components): the node's, and
 * those of each feature the fixture runs, with the fixture's listeners in the rows the transports'
 * Listener services give in Karaf. Closing unregisters them.
 */
public final class NodeMBeans implements AutoCloseable {
    private final List<AutoCloseable> registered = new ArrayList<>();

    private NodeMBeans() {
    }

    public static NodeMBeans register(NodeFixture node, String nodeName) {
        NodeMBeans beans = new NodeMBeans();
        NodeJmx nodeJmx = new NodeJmx(node.node(), () -> nodeName, () -> listeners(node),
                new NodeAuthentication(node.node()), new NodeTraffic(node.node()));
        nodeJmx.register();
        beans.registered.add(nodeJmx::unregister);
        if (node.pubsub() != null) {
            PubSubStats pubsub = new PubSubStats(node.pubsub().view());
            pubsub.register();
            beans.registered.add(pubsub::unregister);
        }
        if (node.rpc() != null) {
            beans.add(RpcStats.register(node.rpc().registry(), node.rpc()::histograms));
        }
        if (node.streaming() != null) {
            beans.add(StreamingStats.register(node.streaming().view()));
        }
        if (node.files() != null) {
            beans.add(FilesStats.register(node.files().counters(), node.files().context().transfers()));
        }
        return beans;
    }

    /** The fixture's listeners as the Listener services of the transports show them. */
    private static List<ListenerRow> listeners(NodeFixture node) {
        List<ListenerRow> rows = new ArrayList<>();
        if (node.tcpServer() != null) {
            rows.add(row("tcp", node.tcpServer()));
        }
        if (node.wsServer() != null) {
            rows.add(row("ws", node.wsServer()));
        }
        return rows;
    }

    private static ListenerRow row(String transport, NettyListener<?, ?> server) {
        ListenerSettings s = server.settings().listener();
        return new ListenerRow(s.name(), transport, s.host(), server.port(), s.tls().enabled(), server.connections(),
                s.maxConnections(), "");
    }

    private void add(AutoCloseable bean) {
        if (bean == null) {
            throw new IllegalStateException("the platform MBean server refused a bean");
        }
        registered.add(bean);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable bean : registered) {
            bean.close();
        }
        registered.clear();
    }
}
