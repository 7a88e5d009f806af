package io.aldis.feature.cluster.internal.addresses;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.transport.Listener;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which client addresses a node derives from its own listeners. */
class ListenerAddressesTest {
    /** A listener that listens, as a transport registers it. */
    private record Running(String transport, String host, int port, boolean secure) implements Listener {
        @Override
        public String name() {
            return transport + "-" + port;
        }

        @Override
        public int connections() {
            return 0;
        }

        @Override
        public int maxConnections() {
            return 100;
        }
    }

    private static Listener tcp(String host, int port) {
        return new Running("tcp", host, port, false);
    }

    @Test
    void everyFormOfAnyInterfaceIsAnnouncedAtTheMembersHost() {
        List<Listener> listeners = List.of(tcp("0.0.0.0", 7440), tcp("::", 7441), tcp("[::]", 7442),
                tcp("0:0:0:0:0:0:0:0", 7443), tcp("::0", 7444), tcp("", 7445));
        assertThat(ListenerAddresses.of(listeners, "10.0.0.5")).containsExactly("tcp://10.0.0.5:7440",
                "tcp://10.0.0.5:7441", "tcp://10.0.0.5:7442", "tcp://10.0.0.5:7443", "tcp://10.0.0.5:7444",
                "tcp://10.0.0.5:7445");
        assertThat(ListenerAddresses.of(List.of(tcp("::", 7440)), "fd00::5")).containsExactly("tcp://[fd00::5]:7440");
    }

    @Test
    void aListenerThatRequiresTlsIsAnnouncedAsTcps() {
        assertThat(ListenerAddresses.of(List.of(new Running("tcp", "10.0.0.5", 7443, true), tcp("10.0.0.5", 7440)),
                "10.0.0.5")).containsExactly("tcps://10.0.0.5:7443", "tcp://10.0.0.5:7440");
    }

    @Test
    void aLoopbackListenerIsAnnouncedOnlyWhenTheMemberIsOnLoopbackToo() {
        List<Listener> listeners = List.of(tcp("127.0.0.1", 7440), tcp("::1", 7441), tcp("localhost", 7442),
                tcp("10.0.0.5", 7443));
        assertThat(ListenerAddresses.of(listeners, "10.0.0.5")).as("nodes on other machines")
                .containsExactly("tcp://10.0.0.5:7443");
        assertThat(ListenerAddresses.of(listeners, "127.0.0.1")).as("every node on this machine")
                .containsExactly("tcp://127.0.0.1:7440", "tcp://[::1]:7441", "tcp://localhost:7442",
                        "tcp://10.0.0.5:7443");
    }

    @Test
    void webSocketListenersAndListenersWithoutAPortAreLeftOut() {
        List<Listener> listeners = List.of(new Running("ws", "0.0.0.0", 8080, false), tcp("10.0.0.5", 0),
                tcp("10.0.0.5", 7440), tcp("10.0.0.5", 7440));
        assertThat(ListenerAddresses.of(listeners, "10.0.0.5")).containsExactly("tcp://10.0.0.5:7440");
    }

    @Test
    void aListenerThatDoesNotListenSaysSo() {
        assertThat(Listener.notListening("tcp", "broken", "10.0.0.5", 7440).listening()).isFalse();
        assertThat(tcp("10.0.0.5", 7440).listening()).isTrue();
    }
}
