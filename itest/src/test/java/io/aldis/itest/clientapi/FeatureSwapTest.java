package io.aldis.itest.clientapi;

import static io.aldis.itest.clientapi.RpcClientTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.ClientState;
import io.aldis.client.ConnectionListener;
import io.aldis.client.Delivery;
import io.aldis.client.Registration;
import io.aldis.client.RpcCallException;
import io.aldis.client.SessionInfo;
import io.aldis.client.Subscription;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A feature taken away and brought back while clients run, as an update, a refresh or a
 * reinstall of its bundle does: the clients stay connected, hear of the change, and find their
 * subscriptions and provided services working again without doing anything.
 */
@ExtendWith(LeakWatch.class)
class FeatureSwapTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;
    private AldisClient alice;
    private AldisClient bob;
    private final BlockingQueue<SessionInfo> aliceChanges = new LinkedBlockingQueue<>();
    private final BlockingQueue<SessionInfo> bobChanges = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .pubsub(PubSubSettings.defaults())
                .start();
        alice = node.connect(node.clientBuilder(ALICE).listener(recording(aliceChanges)));
        bob = node.connect(node.clientBuilder(BOB).listener(recording(bobChanges)));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private static ConnectionListener recording(BlockingQueue<SessionInfo> changes) {
        return new ConnectionListener() {
            @Override
            public void capabilitiesChanged(SessionInfo session) {
                changes.add(session);
            }
        };
    }

    /** Waits for the capability change {@code client} hears that offers {@code capability} or takes it away; earlier ones are skipped. */
    private static SessionInfo awaitChange(AldisClient client, BlockingQueue<SessionInfo> changes,
            Capability capability, boolean offered) throws InterruptedException {
        while (true) {
            SessionInfo change = changes.poll(10, TimeUnit.SECONDS);
            // On a failure, what the client holds tells a change never sent from one not passed on.
            assertThat(change).as(() -> "a capability change " + (offered ? "offering " : "taking away ") + capability
                    + "; the client is " + client.state() + ", " + believed(client, capability))
                    .isNotNull();
            if (change.has(capability) == offered) {
                return change;
            }
        }
    }

    private static String believed(AldisClient client, Capability capability) {
        SessionInfo session = client.session();
        return session == null ? "with no session"
                : "in session " + session.sessionId() + ", which it believes " + (session.has(capability) ? "offers " : "lacks ")
                        + capability;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Delivery d) {
        return new String(d.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void subscriptionsAndQueueGroupsDeliverAgainOnceThePubSubFeatureIsBack() throws Exception {
        BlockingQueue<Delivery> plain = new LinkedBlockingQueue<>();
        BlockingQueue<Delivery> grouped = new LinkedBlockingQueue<>();
        Subscription all = alice.subscribe("swap.>", plain::add);
        Subscription workers = alice.subscribe("jobs.*", "workers", grouped::add);
        all.ready().get(10, TimeUnit.SECONDS);
        workers.ready().get(10, TimeUnit.SECONDS);
        UUID session = alice.session().sessionId();

        bob.publish("swap.before", utf8("1")).get(10, TimeUnit.SECONDS);
        assertThat(text(plain.poll(10, TimeUnit.SECONDS))).isEqualTo("1");

        node.stopPubSub();
        awaitChange(alice, aliceChanges, Capability.PUBSUB, false);
        awaitChange(bob, bobChanges, Capability.PUBSUB, false);
        assertThat(alice.session().has(Capability.PUBSUB)).isFalse();
        assertThat(alice.session().has(Capability.RPC)).as("the other features stay").isTrue();

        node.startPubSub();
        // The node restores the subscriptions before it announces the capability again.
        awaitChange(alice, aliceChanges, Capability.PUBSUB, true);
        awaitChange(bob, bobChanges, Capability.PUBSUB, true);
        assertThat(node.pubsub().view().subscriptions()).extracting(s -> s.pattern() + "|" + s.queueGroup())
                .containsExactlyInAnyOrder("swap.>|", "jobs.*|workers");

        bob.publish("swap.after", utf8("2")).get(10, TimeUnit.SECONDS);
        bob.publish("jobs.a", utf8("3")).get(10, TimeUnit.SECONDS);
        assertThat(text(plain.poll(10, TimeUnit.SECONDS))).isEqualTo("2");
        assertThat(text(grouped.poll(10, TimeUnit.SECONDS))).isEqualTo("3");
        assertThat(all.active()).isTrue();
        assertThat(alice.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(alice.session().sessionId()).as("the same session throughout").isEqualTo(session);
    }

    @Test
    void anUnsubscribeBeforeTheSwapIsNotUndoneByIt() throws Exception {
        BlockingQueue<Delivery> kept = new LinkedBlockingQueue<>();
        BlockingQueue<Delivery> ended = new LinkedBlockingQueue<>();
        Subscription stays = alice.subscribe("a.*", kept::add);
        Subscription goes = alice.subscribe("b.*", ended::add);
        stays.ready().get(10, TimeUnit.SECONDS);
        goes.ready().get(10, TimeUnit.SECONDS);
        goes.unsubscribe().get(10, TimeUnit.SECONDS);

        node.stopPubSub();
        awaitChange(alice, aliceChanges, Capability.PUBSUB, false);
        node.startPubSub();
        awaitChange(alice, aliceChanges, Capability.PUBSUB, true);
        // The publisher refuses to publish itself until it too has heard that pub/sub is back.
        awaitChange(bob, bobChanges, Capability.PUBSUB, true);

        assertThat(node.pubsub().view().subscriptions()).extracting(s -> s.pattern()).containsExactly("a.*");
        bob.publish("b.x", utf8("no")).get(10, TimeUnit.SECONDS);
        bob.publish("a.x", utf8("yes")).get(10, TimeUnit.SECONDS);
        assertThat(text(kept.poll(10, TimeUnit.SECONDS))).isEqualTo("yes");
        assertThat(ended).isEmpty();
    }

    @Test
    void aProvidedServiceIsCallableAgainOnceTheRpcFeatureIsBack() throws Exception {
        Registration echo = bob.provide("echo", (method, params, context) ->
                CompletableFuture.completedFuture(params));
        echo.ready().get(10, TimeUnit.SECONDS);
        assertThat(alice.call("echo.back", new Object[] {"one"}, List.class).get(10, TimeUnit.SECONDS))
                .containsExactly("one");

        node.stopRpc();
        awaitChange(alice, aliceChanges, Capability.RPC, false);
        awaitChange(bob, bobChanges, Capability.RPC, false);

        node.startRpc();
        // Told that RPC is back, the caller finds the other client's service back too.
        awaitChange(alice, aliceChanges, Capability.RPC, true);
        assertThat(alice.call("echo.back", new Object[] {"two"}, List.class).get(10, TimeUnit.SECONDS))
                .containsExactly("two");
        assertThat(node.rpc().registry().services()).extracting(s -> s.name()).contains("echo");
        awaitChange(bob, bobChanges, Capability.RPC, true);
    }

    @Test
    void aCallInFlightWhenTheRpcFeatureGoesFailsAtOnceWithAClearCode() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bob.provide("slow", (method, params, context) -> {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return CompletableFuture.completedFuture(utf8("null"));
        }).ready().get(10, TimeUnit.SECONDS);
        CompletableFuture<Object> call = alice.call("slow.run", null, Object.class);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        node.stopRpc();
        RpcCallException e = failure(call);
        release.countDown();
        assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN);
        assertThat(e.getMessage()).contains("RPC feature is stopping");

        awaitChange(alice, aliceChanges, Capability.RPC, false);
        RpcCallException away = failure(alice.call("slow.run", null, Object.class));
        assertThat(away.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE);
    }
}
