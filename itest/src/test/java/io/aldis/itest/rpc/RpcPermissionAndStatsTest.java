package io.aldis.itest.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.internal.RpcStats;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Permissions asked of the Authorizer for calls and provides; per-method counters in the registry and over JMX. */
@ExtendWith(LeakWatch.class)
class RpcPermissionAndStatsTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;
    private final List<String> asked = new ArrayList<>();

    /** Bob may call nothing of the calculator and provide nothing; alice may do all but divide. */
    private final Authorizer rules = new Authorizer() {
        @Override
        public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
            asked.add(user.name() + " " + domain + " " + action + " " + resource);
            if (user.name().equals(BOB)) {
                return !resource.startsWith("calculator.");
            }
            return !resource.equals("calculator.divide");
        }

        @Override
        public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
            asked.add(user.name() + " " + domain + " " + action + " " + pattern);
            return !user.name().equals(BOB);
        }
    };

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .loginCapabilities(Capability.RPC.mask()).start();
        node.authorizer(rules);
        node.export("calculator", new Shop.CalculatorImpl(), Shop.Calculator.class);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void callsAndProvidesAreCheckedPerUserAndMethod() throws Exception {
        try (FrameClient alice = node.login(ALICE); FrameClient bob = node.login(BOB)) {
            bob.call(1, "calculator.add", "[1,2]", 0);
            assertThat(bob.callError(1).code()).isEqualTo(ErrorCode.FORBIDDEN.code());
            alice.call(1, "calculator.add", "[1,2]", 0);
            assertThat(alice.callResult(1)).isEqualTo("3");
            alice.call(2, "calculator.divide", "[1,2]", 0);
            assertThat(alice.callError(2).code()).isEqualTo(ErrorCode.FORBIDDEN.code());
            // a method that does not exist is refused before anything reveals that it does not
            bob.call(2, "calculator.nothing", "[]", 0);
            assertThat(bob.callError(2).code()).isEqualTo(ErrorCode.FORBIDDEN.code());

            bob.send(new ServiceProvide(9, "bobs", ""));
            ErrorFrame refused = bob.next(f -> f instanceof ErrorFrame e && e.requestId() == 9);
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
            alice.send(new ServiceProvide(9, "alices", ""));
            Frame ok = alice.next(f -> f instanceof Ack a && a.requestId() == 9 || f instanceof ErrorFrame);
            assertThat(ok).isInstanceOf(Ack.class);

            assertThat(asked).contains("bob rpc call calculator.add", "alice rpc call calculator.divide",
                    "bob rpc provide bobs.*", "alice rpc provide alices.*");
        }
    }

    @Test
    void withoutAnAuthorizerTheDefaultRulesApply() throws Exception {
        node.authorizer(null);
        try (FrameClient bob = node.login(BOB)) {
            bob.call(1, "calculator.add", "[1,2]", 0);
            assertThat(bob.callResult(1)).isEqualTo("3");
            bob.call(2, "$sys.calculator.add", "[1,2]", 0);
            assertThat(bob.callError(2).code()).isEqualTo(ErrorCode.FORBIDDEN.code());
        }
    }

    @Test
    void countersPerMethodInTheRegistryAndOverJmx() throws Exception {
        try (FrameClient alice = node.login(ALICE)) {
            for (int i = 1; i <= 5; i++) {
                alice.call(i, "calculator.add", "[" + i + ", 1]", 0);
                alice.callResult(i);
            }
            alice.call(6, "calculator.add", "[\"x\", 1]", 0);
            alice.callError(6);
            alice.call(7, "calculator.sum", "[[1,2]]", 0);
            alice.callResult(7);
        }
        List<MethodStats> stats = node.rpc().registry().stats();
        assertThat(stats).extracting(MethodStats::method).containsExactly("calculator.add", "calculator.sum");
        MethodStats add = stats.get(0);
        assertThat(add.calls()).isEqualTo(6);
        assertThat(add.errors()).isEqualTo(1);
        assertThat(add.inFlight()).isZero();
        assertThat(add.p99Micros()).isGreaterThanOrEqualTo(add.p50Micros()).isPositive();

        RpcStats mbean = RpcStats.register(node.rpc().registry(), node.rpc()::histograms);
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(RpcStats.OBJECT_NAME);
            assertThat(server.getAttribute(name, "Calls")).isEqualTo(7L);
            assertThat(server.getAttribute(name, "Errors")).isEqualTo(1L);
            assertThat(server.getAttribute(name, "Services")).isEqualTo(1);
            CompositeData[] methods = (CompositeData[]) server.getAttribute(name, "Methods");
            assertThat(methods).hasSize(2);
            assertThat(methods[0].get("method")).isEqualTo("calculator.add");
            assertThat(methods[0].get("calls")).isEqualTo(6L);
            assertThat(methods[0].get("errors")).isEqualTo(1L);
            assertThat((Long) methods[0].get("p50Micros")).isPositive();
        } finally {
            mbean.close();
        }
    }
}
