package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.node.LeakWatch;
import io.aldis.protocol.Deliver;
import io.aldis.protocol.ErrorCode;
import io.aldis.protocol.ErrorFrame;
import io.aldis.spi.auth.AuthenticatedUser;
import io.aldis.spi.auth.Authorizer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Publish and subscribe permissions through the Authorizer, including wildcards over denied subjects. */
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

    private PubSubNode node;
    private Client alice;
    private Client root;
    private final Acl acl = new Acl();

    @BeforeEach
    void start() throws Exception {
        node = PubSubNode.start();
        node.engine.authorizer(acl);
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
        assertThat(Client.text(alice.deliver())).isEqualTo("ok");
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
                    .add(d.subject() + ":" + Client.text(d));
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
        assertThat(((ErrorFrame) root.next(f -> f instanceof ErrorFrame)).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);

        alice.subscribeOk(3, "secret.*");
        root.publish("secret.a", "hidden");
        alice.subscribeOk(4, "public.mark");
        root.publish("public.mark", "2");
        assertThat(alice.deliver().subject()).isEqualTo("public.mark");

        // Back to the default authorizer: alice may read secret.* now.
        node.engine.authorizer(null);
        root.publish("secret.a", "visible");
        Deliver d = alice.deliver();
        assertThat(d.subject()).isEqualTo("secret.a");
        assertThat(Client.text(d)).isEqualTo("visible");
    }
}
