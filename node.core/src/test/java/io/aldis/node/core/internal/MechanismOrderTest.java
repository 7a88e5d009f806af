package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import org.junit.jupiter.api.Test;

/** CONNECT_ACK's list of mechanisms is the node's order of preference, whatever order they came in. */
class MechanismOrderTest {

    /** A mechanism that only has a name: the order is all this test looks at. */
    private record Named(String name) implements AuthenticationMechanism {
        @Override
        public AuthenticationExchange start(TransportConnection connection) {
            throw new UnsupportedOperationException("not used by this test");
        }
    }

    @Test
    void higherRankingComesFirstAndEqualRankingsKeepTheirArrivalOrder() {
        Node node = new Node(NodeSettings.defaults());
        try {
            Named plain = new Named("PLAIN");
            Named scram = new Named("SCRAM-SHA-256");
            Named other = new Named("OTHER");
            node.addMechanism(plain, 0);
            node.addMechanism(scram, 100);
            node.addMechanism(other);
            assertThat(node.mechanisms()).containsExactly(scram, plain, other);
            node.removeMechanism(scram);
            node.addMechanism(scram, 100);
            assertThat(node.mechanisms()).containsExactly(scram, plain, other);
            node.removeMechanism(plain);
            assertThat(node.mechanisms()).containsExactly(scram, other);
        } finally {
            node.close();
        }
    }
}
