package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.auth.internal.acl.AclAuthorizer;
import io.aldis.feature.pubsub.api.MessageContext;
import io.aldis.feature.pubsub.api.MessageHandler;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Publish and subscribe permissions through the Authorizer, including wildcards over denied
 * subjects, and the permission to send typed messages, judged by the ACL of the auth feature.
 */
@ExtendWith(LeakWatch.class)
class AuthorizationTest {
    /** Admins may do anything; others only under {@code public.} and their own {@code inbox.<user>.}. */
    static final class Acl implements Authorizer {
        final AtomicInteger checks = new AtomicInteger();

        private static boolean allowed(AuthenticatedUser user, String subject) {
            return subject.startsWith("public.") || subject.startsWith("inbox." + user.name() + ".");
        }

        @Override
        public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
            checks.incrementAndGet();
            return user.roles().contains("admin") || allowed(user, resource);
        }

        @Override
        public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
            return user.roles().contains("admin") || (allowed(user, pattern) && !pattern.startsWith("*"));
        }
    }

    private NodeFixture node;
    private FrameClient alice;
    private FrameClient root;
    private final Acl acl = new Acl();

    @BeforeEach
    void start() throws Exception {
        node = PubSubNodes.start();
        node.pubsub().authorizer(acl);
        alice = node.login("alice");
        root = node.login("root");
    }

    @AfterEach
    void stop() throws Exception {
        alice.close();
        root.close();
        node.close();
    }

    @Test
    void publishAndSubscribeNeedPermission() throws Exception {
        alice.publish("secret.plans", "x");
        ErrorFrame denied = alice.error();
        assertThat(denied.errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(denied.details()).contains("secret.plans");
        assertThat(((ErrorFrame) alice.subscribe(1, "secret.plans", "", "")).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        alice.subscribeOk(2, "public.news");
        root.publish("public.news", "ok");
        assertThat(FrameClient.text(alice.deliver())).isEqualTo("ok");
    }

    @Test
    void wildcardSubscriptionsNeverReceiveDeniedSubjects() throws Exception {
        alice.subscribeOk(1, ">");
        alice.subscribeOk(2, "*.plans");
        for (int i = 0; i < 3; i++) {
            root.publish("secret.plans", "no " + i);
            root.publish("inbox.bob.1", "no");
            root.publish("public.plans", "yes " + i);
        }
        root.publish("inbox.alice.1", "mine");
        java.util.Map<Long, java.util.List<String>> bySubscription = new java.util.TreeMap<>();
        for (int i = 0; i < 7; i++) {
            Deliver d = alice.deliver();
            bySubscription.computeIfAbsent(d.subscriptionId(), k -> new java.util.ArrayList<>())
                    .add(d.subject() + ":" + FrameClient.text(d));
        }
        assertThat(bySubscription.get(1L)).containsExactly("public.plans:yes 0", "public.plans:yes 1",
                "public.plans:yes 2", "inbox.alice.1:mine");
        assertThat(bySubscription.get(2L)).containsExactly("public.plans:yes 0", "public.plans:yes 1",
                "public.plans:yes 2");
        root.publish("public.end", "");
        assertThat(alice.deliver().subject()).isEqualTo("public.end");
        // Answers are cached per subject: another round over the same subjects asks nothing more.
        int checks = acl.checks.get();
        root.publish("secret.plans", "no");
        root.publish("public.plans", "yes");
        root.publish("public.end", "");
        // Order holds per subscription, not across a session's subscriptions.
        assertThat(java.util.List.of(alice.deliver().subject(), alice.deliver().subject(), alice.deliver().subject()))
                .containsExactlyInAnyOrder("public.plans", "public.plans", "public.end");
        assertThat(acl.checks.get()).isEqualTo(checks);
    }

    @Test
    void sysIsReservedAndAuthorizerChangesApplyLive() throws Exception {
        assertThat(((ErrorFrame) alice.subscribe(1, "$sys.>", "", "")).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(((ErrorFrame) alice.subscribe(2, "$sys.session.opened", "", "")).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        root.subscribeOk(1, "$sys.>");
        // Nobody publishes on $sys but the node, admins included.
        root.publish("$sys.session.opened", "{}");
        assertThat(((ErrorFrame) root.next(f -> f instanceof ErrorFrame)).errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);

        alice.subscribeOk(3, "secret.*");
        root.publish("secret.a", "hidden");
        alice.subscribeOk(4, "public.mark");
        root.publish("public.mark", "2");
        assertThat(alice.deliver().subject()).isEqualTo("public.mark");

        // Back to the default authorizer: alice may read secret.* now.
        node.pubsub().authorizer(null);
        root.publish("secret.a", "visible");
        Deliver d = alice.deliver();
        assertThat(d.subject()).isEqualTo("secret.a");
        assertThat(FrameClient.text(d)).isEqualTo("visible");
    }

    // ---------------------------------------------------------------- typed messages

    /** Echoes the payload and counts how often it was reached. */
    static final class CountingHandler implements MessageHandler {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletionStage<byte[]> handle(MessageContext context, byte[] payload) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(payload);
        }
    }

    private CountingHandler handler(String type) {
        CountingHandler h = new CountingHandler();
        node.pubsub().messages().add(h, Map.of(MessageHandler.TYPE, type));
        return h;
    }

    /** The ACL of the auth feature with these rules, as read from its configuration file. */
    private static AclAuthorizer aclWith(String... keysAndRules) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < keysAndRules.length; i += 2) {
            properties.put(keysAndRules[i], keysAndRules[i + 1]);
        }
        return new AclAuthorizer(16, properties);
    }

    /** Sends a typed message and returns its answer: the REPLY, or the ERROR for its correlation id. */
    private static Frame send(FrameClient client, long correlation, String type) throws Exception {
        client.send(new Message(false, correlation, type, (type + "#" + correlation).getBytes(StandardCharsets.UTF_8)));
        return client.next(f -> (f instanceof Message m && m.reply() && m.correlationId() == correlation)
                || (f instanceof ErrorFrame e && e.requestId() == correlation));
    }

    private static void answered(FrameClient client, long correlation, String type) throws Exception {
        Frame answer = send(client, correlation, type);
        assertThat(answer).as("answer to %s", type).isInstanceOf(Message.class);
        assertThat(new String(((Message) answer).payload(), StandardCharsets.UTF_8))
                .isEqualTo(type + "#" + correlation);
    }

    private static ErrorFrame refused(FrameClient client, long correlation, String type, ErrorCode code) throws Exception {
        Frame answer = send(client, correlation, type);
        assertThat(answer).as("answer to %s", type).isInstanceOf(ErrorFrame.class);
        ErrorFrame error = (ErrorFrame) answer;
        assertThat(error.errorCode()).as("error for %s", type).isEqualTo(code);
        assertThat(error.requestId()).isEqualTo(correlation);
        assertThat(error.details()).contains(type);
        return error;
    }

    @Test
    void typedMessagesNeedTheSendPermission() throws Exception {
        node.pubsub().authorizer(aclWith(
                "rule.10", "allow user:alice messages send orders.*",
                "rule.20", "allow role:admin pubsub subscribe $sys.>"));
        CountingHandler orders = handler("orders.create");
        CountingHandler billing = handler("billing.charge");
        root.subscribeOk(1, "$sys.error");

        answered(alice, 1, "orders.create");
        ErrorFrame denied = refused(alice, 2, "billing.charge", ErrorCode.FORBIDDEN);
        assertThat(denied.message()).contains("alice").contains("billing.charge");
        // A type nobody serves is refused the same way, so a denied user cannot probe which types exist ...
        refused(alice, 3, "billing.refund", ErrorCode.FORBIDDEN);
        // ... while a type the user may send but nobody serves has no handler.
        refused(alice, 4, "orders.delete", ErrorCode.NO_HANDLER);
        // orders.* is one token, as in subjects.
        refused(alice, 5, "orders.create.eu", ErrorCode.FORBIDDEN);
        // Correlation id 0: no reply is wanted, but a refusal is still reported.
        alice.send(new Message(false, 0, "billing.charge", new byte[0]));
        assertThat(((ErrorFrame) alice.next(f -> f instanceof ErrorFrame e && e.requestId() == 0)).errorCode())
                .isEqualTo(ErrorCode.FORBIDDEN);
        // Nobody else was granted anything, admins included.
        refused(root, 6, "orders.create", ErrorCode.FORBIDDEN);
        // Messages of a session are handled in order: once this is answered, the denied ones are done.
        answered(alice, 7, "orders.create");

        assertThat(orders.calls).hasValue(2);
        assertThat(billing.calls).hasValue(0);
        Deliver event = (Deliver) root.next(f -> f instanceof Deliver d && d.subject().equals("$sys.error")
                && FrameClient.text(d).contains("billing.charge"));
        assertThat(FrameClient.text(event)).contains("\"user\":\"alice\"").contains("\"code\":-210")
                .contains("FORBIDDEN").contains(alice.sessionId().toString());
    }

    @Test
    void typedMessagesGrantedByRole() throws Exception {
        node.pubsub().authorizer(aclWith(
                "rule.10", "deny user:bob messages send orders.cancel",
                "rule.20", "allow role:user messages send orders.>",
                "rule.30", "allow role:admin messages send billing.*"));
        CountingHandler create = handler("orders.create");
        CountingHandler cancel = handler("orders.cancel");
        CountingHandler charge = handler("billing.charge");
        try (FrameClient bob = node.login("bob")) {
            answered(alice, 1, "orders.create");
            answered(alice, 2, "orders.cancel");
            refused(alice, 3, "billing.charge", ErrorCode.FORBIDDEN);
            // The deny numbered before the role's grant carves bob out of it.
            refused(bob, 4, "orders.cancel", ErrorCode.FORBIDDEN);
            answered(bob, 5, "orders.create");
            answered(root, 6, "billing.charge");
            refused(root, 7, "orders.create", ErrorCode.FORBIDDEN);
        }
        assertThat(create.calls).hasValue(2);
        assertThat(cancel.calls).hasValue(1);
        assertThat(charge.calls).hasValue(1);
    }

    @Test
    void withoutAnAclEveryUserMaySendEveryTypeOutsideSys() throws Exception {
        CountingHandler orders = handler("orders.create");
        CountingHandler billing = handler("billing.charge");
        CountingHandler sys = handler("$sys.ping");
        // No authorization feature at all, then the auth feature without an ACL file: the same answers.
        Authorizer[] defaults = {null, aclWith()};
        long id = 0;
        for (Authorizer authorizer : defaults) {
            node.pubsub().authorizer(authorizer);
            answered(alice, ++id, "orders.create");
            answered(alice, ++id, "billing.charge");
            refused(alice, ++id, "nobody.serves.this", ErrorCode.NO_HANDLER);
            refused(alice, ++id, "$sys.ping", ErrorCode.FORBIDDEN);
            answered(root, ++id, "$sys.ping");
        }
        assertThat(orders.calls).hasValue(2);
        assertThat(billing.calls).hasValue(2);
        assertThat(sys.calls).hasValue(2);
    }
}
