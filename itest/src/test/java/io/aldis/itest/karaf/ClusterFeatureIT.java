package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * aldis-cluster on the running distribution: installing it with an {@code etc/io.aldis.cluster.cfg}
 * forms a cluster of one that {@code aldis:cluster-list} shows and that keeps the node's resume
 * tokens, those issued before included; uninstalling it closes the member port, the node checks
 * tokens itself again (a token issued in the cluster still resumes), and a session subscribed all
 * along keeps getting its messages, with neither the core nor pub/sub refreshed.
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
            String standaloneToken = tokenOfALogin();

            executeCommand("feature:install aldis-cluster", Duration.ofMinutes(2));
            await("aldis:cluster-list shows this node", WAIT, () -> clusterList().contains(NODE_NAME));
            await("the cluster keeps the resume tokens", WAIT, () -> tokenStoreRegistered());
            assertTrue("a token issued before the node joined resumes", resumes(standaloneToken));
            String clusterToken = tokenOfALogin();
            assertTrue("a token issued in the cluster resumes", resumes(clusterToken));
            List<String> rows = clusterList().lines().filter(l -> !l.isBlank()).toList();
            assertEquals("one member: " + rows, 1, rows.size());
            assertTrue(rows.get(0), rows.get(0).contains("this node") && rows.get(0).contains("127.0.0.1:" + memberPort));
            assertTrue("the member port is open", accepts(memberPort));
            publisher.publish("keep.during", "while clustered");
            assertEquals("while clustered", FrameClient.text(subscriber.deliverOn("keep.during")));

            executeCommand("feature:uninstall aldis-cluster", Duration.ofMinutes(1));
            awaitPortClosed(memberPort);
            assertNull(bundle("io.aldis.feature.cluster"));
            assertFalse("the node keeps its tokens itself again", tokenStoreRegistered());
            assertTrue("a token issued in the cluster still resumes on the node that issued it", resumes(clusterToken));
            publisher.publish("keep.after", "standalone again");
            assertEquals("standalone again", FrameClient.text(subscriber.deliverOn("keep.after")));
            core.assertUntouched();
            pubsub.assertUntouched();
        } finally {
            Files.deleteIfExists(cfg);
        }
    }

    /** Logs in on a connection of its own, which then drops without a logout; returns its token. */
    private static String tokenOfALogin() throws Exception {
        try (FrameClient client = FrameClient.tcp(DEFAULT_PORT)) {
            return client.login(USER, PASSWORD).resumeToken();
        }
    }

    private static boolean resumes(String token) throws Exception {
        try (FrameClient client = FrameClient.tcp(DEFAULT_PORT)) {
            return client.connect(token).authenticated();
        }
    }

    private boolean tokenStoreRegistered() {
        return bundleContext.getServiceReference(ResumeTokenStore.class) != null;
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
