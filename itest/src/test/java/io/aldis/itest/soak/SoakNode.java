package io.aldis.itest.soak;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.itest.rpc.Shop;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.NodeMBeans;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import javax.management.ObjectName;

/**
 * The node the soak runs against, in a JVM of its own ({@link ChildNode#launch}): every feature on
 * one TCP port, the user {@value #USER} (password {@link NodeFixture#PASSWORD}), the RPC services
 * {@code calc} ({@link Shop.Calculator}) and {@code streams} ({@link Streams.Api}), and the MBeans
 * of the node and its features, plus {@link NettyMemory}, for the soak's sampler to read.
 */
public final class SoakNode {
    /** The user every soak session logs in as. */
    public static final String USER = "soak";

    private SoakNode() {
    }

    /**
     * Starts the node in a new JVM with Netty's leak detection at paranoid, its log going to
     * {@code log}.
     *
     * @param resumeWindowMillis how long the node keeps the streams of a broken connection for
     *                           its client to resume (the setting {@code resumeWindowMillis})
     */
    public static ChildNode.Started start(Path log, int resumeWindowMillis) throws IOException {
        return ChildNode.launch(SoakNode.class, List.of(
                "-Xmx512m",
                "-Dio.netty.leakDetection.level=paranoid"), List.of(Integer.toString(resumeWindowMillis)), log);
    }

    public static void main(String[] args) throws Exception {
        try (NodeFixture node = NodeFixture.builder()
                .user(USER, "user")
                .pubsub()
                .rpc()
                .streaming(StreamingSettings.defaults().withResumeWindowMillis(Integer.parseInt(args[0])))
                .files()
                .tcp(TcpSettings.plain("soak", 0))
                .start();
             NodeMBeans beans = NodeMBeans.register(node, "soak")) {
            node.export("calc", new Shop.CalculatorImpl(), Shop.Calculator.class);
            node.export("streams", new Streams.Impl(), Streams.Api.class);
            ManagementFactory.getPlatformMBeanServer().registerMBean(new NettyMemory(),
                    new ObjectName(NettyMemory.OBJECT_NAME));
            ChildNode.announce(node.tcpPort());
            ChildNode.awaitParent();
        }
    }
}
