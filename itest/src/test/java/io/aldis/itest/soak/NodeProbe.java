package io.aldis.itest.soak;

import com.sun.tools.attach.VirtualMachine;
import io.aldis.feature.filetransfer.internal.stats.FilesStats;
import io.aldis.feature.streaming.internal.stats.StreamingStats;
import io.aldis.node.core.internal.jmx.NodeJmx;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the soak node's figures over JMX from its own JVM: attaches to the process, starts its
 * local management agent and connects to it, so nothing in the node has to open a port for it.
 */
final class NodeProbe implements AutoCloseable {
    private final JMXConnector connector;
    private final MBeanServerConnection server;
    private final ObjectName memory;
    private final ObjectName threading;
    private final ObjectName os;
    private final ObjectName directPool;
    private final ObjectName netty;
    private final ObjectName node;
    private final ObjectName streaming;
    private final ObjectName files;

    private NodeProbe(JMXConnector connector) throws IOException, JMException {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
        memory = new ObjectName(ManagementFactory.MEMORY_MXBEAN_NAME);
        threading = new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME);
        os = new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
        directPool = new ObjectName("java.nio:type=BufferPool,name=direct");
        netty = new ObjectName(NettyMemory.OBJECT_NAME);
        node = NodeJmx.objectName("node", "soak");
        streaming = new ObjectName(StreamingStats.OBJECT_NAME);
        files = new ObjectName(FilesStats.OBJECT_NAME);
    }

    /** Connects to the JVM of process {@code pid}, which must run as the same user. */
    static NodeProbe attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        return new NodeProbe(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    /** Runs a full GC in the node, then reads every figure. */
    Sample sample(double seconds, Sample.Phase phase) throws IOException, JMException {
        server.invoke(memory, "gc", null, null);
        javax.management.openmbean.CompositeData heap =
                (javax.management.openmbean.CompositeData) server.getAttribute(memory, "HeapMemoryUsage");
        long nettyDirect = (Long) server.getAttribute(netty, "UsedDirectMemory");
        if (nettyDirect < 0) {
            nettyDirect = (Long) server.getAttribute(netty, "AllocatorDirectMemory");
        }
        return new Sample(seconds, phase,
                (Long) heap.get("used"),
                (Integer) server.getAttribute(threading, "ThreadCount"),
                (Long) server.getAttribute(os, "OpenFileDescriptorCount"),
                (Long) server.getAttribute(directPool, "MemoryUsed"),
                nettyDirect,
                (Integer) server.getAttribute(node, "OpenSessions"),
                (Long) server.getAttribute(streaming, "Open"),
                (Long) server.getAttribute(streaming, "AwaitingResume"),
                (Long) server.getAttribute(files, "Running"));
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
