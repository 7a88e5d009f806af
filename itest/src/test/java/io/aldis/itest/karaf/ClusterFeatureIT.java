package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.aldis.itest.support.FrameClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * aldis-cluster on the running distribution: installing it with an {@code etc/io.aldis.cluster.cfg}
 * forms a cluster of one that {@code aldis:cluster-list}, {@code aldis:cluster-routes} (no other member) and
 * the cluster MBean show; uninstalling it closes the member
 * port, and a session subscribed all along keeps getting its messages, with neither the core nor
 * pub/sub refreshed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterFeatureIT extends AldisKarafTestSupport {
    private static final String USER = "clusteruser";
    private static final String PASSWORD = "cluster-Pa55word";
    private static final String NODE_NAME = "itnode";

    private static boolean userAdded;

    @Before
    public void nodeIsUp() {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitCapability("pubsub");
        synchronized (ClusterFeatureIT.class) {
            if (!userAdded) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                userAdded = true;
            }
        }
    }

    @Test
    public void installingFormsAClusterOfOneAndUninstallingKeepsTheSessions() throws Exception {
        int memberPort = freePort();
        Path cfg = karafEtc().resolve("io.aldis.cluster.cfg");
        Files.writeString(cfg, "name = itest\nsecret = pax-exam-cluster-secret\nnodeName = " + NODE_NAME
                + "\nhost = 127.0.0.1\nport = " + memberPort + "\n");
        try (FrameClient subscriber = FrameClient.tcp(DEFAULT_PORT); FrameClient publisher = FrameClient.tcp(DEFAULT_PORT);
                CoreWatch core = new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.protocol.api"));
                CoreWatch pubsub = new CoreWatch(bundleContext, bundle("io.aldis.node.core"),
                        bundle("io.aldis.feature.pubsub"))) {
            subscriber.login(USER, PASSWORD);
            publisher.login(USER, PASSWORD);
            subscriber.subscribeOk(1, "keep.*");

            executeCommand("feature:install aldis-cluster", Duration.ofMinutes(2));
            await("aldis:cluster-list shows this node", WAIT, () -> clusterList().contains(NODE_NAME));
            List<String> rows = clusterList().lines().filter(l -> !l.isBlank()).toList();
            assertEquals("one member: " + rows, 1, rows.size());
            assertTrue(rows.get(0), rows.get(0).contains("this node") && rows.get(0).contains("127.0.0.1:" + memberPort));
            assertTrue("the member port is open", accepts(memberPort));
            assertEquals("No other member in cluster itest", executeCommand("aldis:cluster-routes").trim());
            ObjectName cluster = new ObjectName("io.aldis:type=feature,name=cluster");
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            assertEquals(1, jmx.getAttribute(cluster, "Members"));
            assertEquals("", jmx.getAttribute(cluster, "Problem"));
            assertEquals("itest", jmx.getAttribute(cluster, "ClusterName"));
            publisher.publish("keep.during", "while clustered");
            assertEquals("while clustered", FrameClient.text(subscriber.deliverOn("keep.during")));

            executeCommand("feature:uninstall aldis-cluster", Duration.ofMinutes(1));
            awaitPortClosed(memberPort);
            assertNull(bundle("io.aldis.feature.cluster"));
            assertFalse("the cluster MBean left with the feature", jmx.isRegistered(cluster));
            publisher.publish("keep.after", "standalone again");
            assertEquals("standalone again", FrameClient.text(subscriber.deliverOn("keep.after")));
            core.assertUntouched();
            pubsub.assertUntouched();
        } finally {
            Files.deleteIfExists(cfg);
        }
    }

    /** What {@code aldis:cluster-list --no-format} prints, or nothing while it fails or is not there yet. */
    private String clusterList() {
        try {
            return executeCommand("aldis:cluster-list --no-format");
        } catch (AssertionError notYet) {
            return "";
        }
    }
}
