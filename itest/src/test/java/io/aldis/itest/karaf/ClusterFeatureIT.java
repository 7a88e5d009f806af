package io.aldis.itest.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.TestCertificates;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * aldis-cluster on the running distribution: installing it with an {@code etc/io.aldis.cluster.cfg}
 * forms a cluster of one that {@code aldis:cluster-list}, {@code aldis:cluster-routes} (no other
 * member) and the cluster MBean show, with RPC linked to it both ways (each uses the other's spi
 * service), and that keeps the node's resume tokens, those issued before included; uninstalling
 * it closes the member port, the node checks tokens itself again (a token issued in the cluster
 * still resumes), and a session subscribed all along keeps getting its messages, and a service a
 * client provided all along keeps being called, with neither the core, pub/sub, RPC nor file
 * transfer refreshed. While the node is a member it offers the cluster's locks, which file
 * transfer takes, and tells a client that asks where it reaches the cluster's nodes (its own TCP
 * listener here), a session open before the install included; the uninstall withdraws that with a
 * CAPABILITY_CHANGE and the session stays. The links' TLS settings apply while it runs.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterFeatureIT extends AldisKarafTestSupport {
    private static final String USER = "clusteruser";
    private static final String PASSWORD = "cluster-Pa55word";
    private static final String NODE_NAME = "itnode";
    private static final String CLUSTER_PID = "io.aldis.cluster";
    private static final String TCP_LISTENERS = "io.aldis.transport.tcp";

    private static final long ASKS_FOR_ADDRESSES = FrameClient.ALL_BUT_LZ4_AND_ADDRESSES | Capability.NODE_ADDRESSES.mask();

    private static boolean userAdded;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private ConfigurationAdmin configurations;

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
        String clusterCfg = "name = itest\nsecret = pax-exam-cluster-secret\nnodeName = " + NODE_NAME
                + "\nhost = 127.0.0.1\nport = " + memberPort + "\n";
        Files.writeString(cfg, clusterCfg);
        try (FrameClient subscriber = FrameClient.tcp(DEFAULT_PORT); FrameClient publisher = FrameClient.tcp(DEFAULT_PORT);
                CoreWatch core = new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.protocol.api"));
                CoreWatch pubsub = new CoreWatch(bundleContext, bundle("io.aldis.node.core"),
                        bundle("io.aldis.feature.pubsub"));
                CoreWatch rpc = new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.feature.rpc"));
                CoreWatch files = new CoreWatch(bundleContext, bundle("io.aldis.node.core"),
                        bundle("io.aldis.feature.filetransfer"));
                FrameClient provider = FrameClient.tcp(DEFAULT_PORT); FrameClient asking = FrameClient.tcp(DEFAULT_PORT)) {
            asking.login(USER, PASSWORD, ASKS_FOR_ADDRESSES);
            assertEquals("a standalone node offers no addresses", 0,
                    asking.connectAck().capabilities() & Capability.NODE_ADDRESSES.mask());
            subscriber.login(USER, PASSWORD);
            publisher.login(USER, PASSWORD);
            subscriber.subscribeOk(1, "keep.*");
            provider.login(USER, PASSWORD);
            provider.send(new ServiceProvide(2, "kept", ""));
            assertTrue("the service is provided", provider.next(f -> f instanceof Ack || f instanceof ErrorFrame) instanceof Ack);
            String standaloneToken = tokenOfALogin();

            executeCommand("feature:install aldis-cluster", Duration.ofMinutes(2));
            await("aldis:cluster-list shows this node", WAIT, () -> clusterList().contains(NODE_NAME));
            await("the cluster keeps the resume tokens", WAIT, () -> tokenStoreRegistered());
            assertTrue("a token issued before the node joined resumes", resumes(standaloneToken));
            // The node tells clients where they reach the cluster's nodes: here its own TCP listener.
            String ownAddress = "tcp://127.0.0.1:" + DEFAULT_PORT;
            NodeAddresses told = asking.await(NodeAddresses.class);
            while (!told.addresses().contains(ownAddress)) {
                told = asking.await(NodeAddresses.class);
            }
            assertEquals(List.of(ownAddress), told.addresses());
            try (FrameClient newcomer = FrameClient.tcp(DEFAULT_PORT)) {
                newcomer.login(USER, PASSWORD, ASKS_FOR_ADDRESSES);
                assertEquals("the frame right after AUTH_OK", new NodeAddresses(List.of(ownAddress)), newcomer.read());
            }
            listenerEditsAndAddressChangesKeepTheNodeInTheCluster(clusterCfg, asking, ownAddress);
            linkTlsSettingsApplyLive(clusterCfg);
            String clusterToken = tokenOfALogin();
            assertTrue("a token issued in the cluster resumes", resumes(clusterToken));
            List<String> rows = clusterList().lines().filter(l -> !l.isBlank()).toList();
            assertEquals("one member: " + rows, 1, rows.size());
            assertTrue(rows.get(0), rows.get(0).contains("this node") && rows.get(0).contains("127.0.0.1:" + memberPort));
            assertTrue("the member port is open", accepts(memberPort));
            await("RPC is linked to the cluster both ways", WAIT,
                    () -> usedBy("io.aldis.feature.rpc.spi.RemoteCalls", "io.aldis.feature.rpc")
                            && usedBy("io.aldis.feature.rpc.spi.LocalCalls", "io.aldis.feature.cluster"));
            assertEquals("RPC's component holds the cluster's RemoteCalls", 1, remoteCallsBoundInRpc());
            // The files feature takes the cluster's locks while the node is a member.
            await("the cluster's locks are offered and file transfer uses them", WAIT,
                    () -> bundleContext.getServiceReference(ClusterLocks.class) != null
                            && usedBy(ClusterLocks.class.getName(), "io.aldis.feature.filetransfer"));
            assertEquals("No other member in cluster itest", executeCommand("aldis:cluster-routes").trim());
            ObjectName cluster = new ObjectName("io.aldis:type=feature,name=cluster");
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            assertEquals(1, jmx.getAttribute(cluster, "Members"));
            assertEquals("", jmx.getAttribute(cluster, "Problem"));
            assertEquals("itest", jmx.getAttribute(cluster, "ClusterName"));
            publisher.publish("keep.during", "while clustered");
            assertEquals("while clustered", FrameClient.text(subscriber.deliverOn("keep.during")));
            assertEquals("\"served while clustered\"", callKept(publisher, provider, 10, "served while clustered"));

            executeCommand("feature:uninstall aldis-cluster", Duration.ofMinutes(1));
            awaitPortClosed(memberPort);
            assertNull(bundle("io.aldis.feature.cluster"));
            // RPC itself must have let go of the link, not only the cluster bundle gone with its service.
            assertEquals("RPC's component holds no RemoteCalls any more", 0, remoteCallsBoundInRpc());
            assertNull("no cluster locks once standalone", bundleContext.getServiceReference(ClusterLocks.class));
            assertFalse("the cluster MBean left with the feature", jmx.isRegistered(cluster));
            assertFalse("the node keeps its tokens itself again", tokenStoreRegistered());
            assertTrue("a token issued in the cluster still resumes on the node that issued it", resumes(clusterToken));
            CapabilityChange withdrawn = asking.await(CapabilityChange.class);
            while ((withdrawn.capabilities() & Capability.NODE_ADDRESSES.mask()) != 0) {
                withdrawn = asking.await(CapabilityChange.class);
            }
            asking.send(new Ping(7));
            assertEquals("the session that asked for addresses is still open", new Pong(7), asking.next(Pong.class));
            publisher.publish("keep.after", "standalone again");
            assertEquals("standalone again", FrameClient.text(subscriber.deliverOn("keep.after")));
            assertEquals("\"served standalone\"", callKept(publisher, provider, 11, "served standalone"));
            core.assertUntouched();
            pubsub.assertUntouched();
            rpc.assertUntouched();
            files.assertUntouched();
        } finally {
            Files.deleteIfExists(cfg);
        }
    }

    /**
     * A second TCP listener is announced with the first; a rejected edit of its configuration
     * leaves it listening with its old settings, and announced. Changing only
     * {@code clientAddresses} re-announces without the node leaving the cluster: its token store
     * stays registered. The listeners' configurations, and the edits of the cluster's, go through
     * the configuration admin (see {@link #setClusterConfig}).
     */
    private void listenerEditsAndAddressChangesKeepTheNodeInTheCluster(String clusterCfg, FrameClient asking,
            String ownAddress) throws Exception {
        String extraAddress = "tcp://127.0.0.1:" + freePort();
        String laterAddress = "tcp://127.0.0.1:" + freePort();
        Configuration extra = configurations.getFactoryConfiguration(TCP_LISTENERS, "clusterextra", "?");
        Configuration later = configurations.getFactoryConfiguration(TCP_LISTENERS, "clusterlater", "?");
        try {
            extra.update(properties(listenerCfg("clusterextra", extraAddress)));
            NodeAddresses told = awaitList(asking, list -> list.contains(extraAddress));
            assertEquals(Set.of(ownAddress, extraAddress), Set.copyOf(told.addresses()));

            extra.update(properties("name = clusterextra\nhost = 127.0.0.1\nport = not-a-port\n"));
            await("the edit of listener clusterextra is rejected", WAIT, () -> executeCommand(
                    "aldis:listener-list --no-format").lines()
                    .anyMatch(line -> line.contains("clusterextra") && line.contains("rejected")));
            assertTrue("clusterextra still listens", accepts(port(extraAddress)));
            // The next list, once a third listener starts, shows what the node announces now.
            later.update(properties(listenerCfg("clusterlater", laterAddress)));
            told = awaitList(asking, list -> list.contains(laterAddress));
            assertEquals("the listener whose edit was rejected is still announced",
                    Set.of(ownAddress, extraAddress, laterAddress), Set.copyOf(told.addresses()));
        } finally {
            extra.delete();
            later.delete();
        }
        awaitList(asking, list -> list.equals(List.of(ownAddress)));

        Object tokenStore = bundleContext.getServiceReference(ResumeTokenStore.class).getProperty(Constants.SERVICE_ID);
        String named = "tcp://node.example:7440";
        setClusterConfig(clusterCfg + "clientAddresses = " + named + "\n");
        assertEquals(List.of(named), awaitList(asking, list -> list.contains(named)).addresses());
        assertEquals("the node stayed in the cluster: its token store is the same registration", tokenStore,
                bundleContext.getServiceReference(ResumeTokenStore.class).getProperty(Constants.SERVICE_ID));
        setClusterConfig(clusterCfg);
        awaitList(asking, list -> list.equals(List.of(ownAddress)));
        assertEquals(tokenStore,
                bundleContext.getServiceReference(ResumeTokenStore.class).getProperty(Constants.SERVICE_ID));
    }

    /**
     * The links' TLS settings apply as the other settings do: a key store that cannot be read is
     * rejected in one line naming the key while the member stays; usable stores make the member
     * leave and join again (a new token store registration), and so does going back to no TLS.
     */
    private void linkTlsSettingsApplyLive(String clusterCfg) throws Exception {
        Path stores = Files.createTempDirectory("cluster-link-tls");
        TestCertificates member = TestCertificates.createIn(stores, "member");
        String trust = "tls.trustStore = " + member.trustStore() + "\ntls.trustStorePassword = "
                + TestCertificates.STORE_PASSWORD + "\n";
        Object before = tokenStoreId();
        Path missing = stores.resolve("missing.p12");
        setClusterConfig(clusterCfg + "tls.keyStore = " + missing + "\ntls.keyStorePassword = "
                + TestCertificates.STORE_PASSWORD + "\n" + trust);
        await("the missing key store is rejected, naming the key", WAIT, () -> karafLogContains(
                "tls.keyStore = " + missing + ": cannot read " + missing + ": no such file"));
        assertEquals("the member stayed: its token store is the same registration", before, tokenStoreId());

        setClusterConfig(clusterCfg + "tls.keyStore = " + stores.resolve("member.p12") + "\ntls.keyStorePassword = "
                + TestCertificates.STORE_PASSWORD + "\n" + trust);
        await("the member joined again with TLS on its links", WAIT,
                () -> tokenStoreId() != null && !before.equals(tokenStoreId()));
        Object withTls = tokenStoreId();
        assertTrue(clusterList().contains(NODE_NAME));

        setClusterConfig(clusterCfg);
        await("the member joined again without TLS", WAIT, () -> tokenStoreId() != null && !withTls.equals(tokenStoreId()));
        await("aldis:cluster-list shows this node", WAIT, () -> clusterList().contains(NODE_NAME));
    }

    private static boolean karafLogContains(String text) {
        try {
            return Files.readString(karafLog(), StandardCharsets.UTF_8).contains(text);
        } catch (java.io.IOException notYet) {
            return false;
        }
    }

    /** The service id of the cluster's token store, null while none is registered. */
    private Object tokenStoreId() {
        ServiceReference<ResumeTokenStore> ref = bundleContext.getServiceReference(ResumeTokenStore.class);
        return ref == null ? null : ref.getProperty(Constants.SERVICE_ID);
    }

    private static String listenerCfg(String name, String address) {
        return "name = " + name + "\nhost = 127.0.0.1\nport = " + port(address) + "\n";
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /**
     * Sets the cluster's configuration to what {@code cfgText} says, through the configuration
     * admin, as a management agent does; the configuration admin holds it when this returns.
     * Editing etc/io.aldis.cluster.cfg instead races Karaf's file installer: after it applied the
     * file, it writes the configuration back to the file and only then records the file as read
     * ({@code felix.fileinstall.enableConfigSave}), all on the configuration admin's event thread,
     * which may still be at it when the node shows the earlier change. An edit written before that
     * write is overwritten; one written just after it is recorded as read and never applied (seen
     * in a clean-clone run under load: the edit of a listener's file was never read). The file
     * keeps what the install read.
     */
    private void setClusterConfig(String cfgText) throws IOException {
        configurations.getConfiguration(CLUSTER_PID, "?").update(properties(cfgText));
    }

    /** The properties a {@code .cfg} file with {@code cfgText} gives, as Karaf's file installer reads them. */
    private static Dictionary<String, Object> properties(String cfgText) throws IOException {
        Properties read = new Properties();
        read.load(new StringReader(cfgText));
        Dictionary<String, Object> properties = new Hashtable<>();
        read.stringPropertyNames().forEach(key -> properties.put(key, read.getProperty(key)));
        return properties;
    }

    /** The next NODE_ADDRESSES whose list {@code wanted} accepts, skipping those before it. */
    private static NodeAddresses awaitList(FrameClient client, Predicate<List<String>> wanted) throws Exception {
        NodeAddresses told = client.await(NodeAddresses.class);
        while (!wanted.test(told.addresses())) {
            told = client.await(NodeAddresses.class);
        }
        return told;
    }

    /** Whether a service registered under {@code className} is in use by the bundle named {@code user}. */
    /** How many RemoteCalls services RPC's component has bound now, as Declarative Services reports it. */
    private int remoteCallsBoundInRpc() {
        Bundle rpc = bundle("io.aldis.feature.rpc");
        int bound = 0;
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(rpc)) {
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                for (SatisfiedReferenceDTO reference : configuration.satisfiedReferences) {
                    if (reference.name.equals("RemoteCalls")) {
                        bound += reference.boundServices.length;
                    }
                }
            }
        }
        return bound;
    }

    private boolean usedBy(String className, String user) {
        try {
            ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(className, null);
            for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
                for (Bundle b : ref.getUsingBundles() == null ? new Bundle[0] : ref.getUsingBundles()) {
                    if (user.equals(b.getSymbolicName())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Calls {@code kept.echo} through {@code caller}, {@code provider} answering with {@code text}; the result. */
    private static String callKept(FrameClient caller, FrameClient provider, long callId, String text) throws Exception {
        caller.call(callId, "kept.echo", "[]", 10_000);
        RpcRequest forwarded = provider.next(RpcRequest.class);
        provider.send(new RpcResponse(forwarded.callId(), ("\"" + text + "\"").getBytes(StandardCharsets.UTF_8)));
        return caller.callResult(callId);
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
