package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.session.SessionRig;
import io.aldis.node.core.internal.session.TestHost;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.node.ClientAddressBook;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static final long ASKS = Capability.NODE_ADDRESSES.mask();
    private static final long ASKS_ALL_BUT_ADDRESSES =
            Capability.maskOf(EnumSet.complementOf(EnumSet.of(Capability.NODE_ADDRESSES)));

    /** The node as the sessions see it: it offers NODE_ADDRESSES while {@link #addresses} has a book. */
    private final TestHost host = new TestHost();
    /** Two open sessions on EmbeddedChannels: one whose client asked for the addresses, one whose did not. */
    private final SessionRig asked = new SessionRig(host).open(ASKS);
    private final SessionRig didNotAsk = new SessionRig(host).open(ASKS_ALL_BUT_ADDRESSES);
    private final ClientAddresses addresses = new ClientAddresses(() -> List.of(asked.session, didNotAsk.session));

    ClientAddressesTest() {
        host.addresses = addresses::frameFor;
        asked.sent();
        didNotAsk.sent();
    }

    /** A book that answers what {@code list} holds when asked, as the cluster's would. */
    private static ClientAddressBook book(AtomicReference<List<String>> list) {
        return new ClientAddressBook() {
            @Override
            public List<String> clientAddresses() {
                return list.get();
            }

            @Override
            public AutoCloseable onChange(Runnable listener) {
                return () -> { };
            }
        };
    }

    private static ClientAddressBook book(List<String> list) {
        return book(new AtomicReference<>(list));
    }

    /** The book goes in and the node starts offering the capability, as Node does both. */
    private void use(ClientAddressBook book) {
        addresses.use(book);
        host.capabilities = addresses.present() ? ASKS : 0;
        asked.session.capabilitiesChanged();
        didNotAsk.session.capabilitiesChanged();
    }

    @Test
    void withoutABookNothingIsOfferedOrSent() {
        assertThat(addresses.present()).isFalse();
        assertThat(addresses.frameFor(ASKS)).isNull();
        addresses.changed();
        assertThat(asked.sent()).isEmpty();
        assertThat(didNotAsk.sent()).isEmpty();
    }

    @Test
    void onlyAClientThatAskedGetsTheList() {
        List<String> list = List.of("tcp://10.0.0.1:7440", "ws://10.0.0.1:8080/aldis");
        use(book(list));
        addresses.changed();
        assertThat(asked.sent()).containsExactly(new CapabilityChange(ASKS), new NodeAddresses(list));
        assertThat(didNotAsk.sent()).containsExactly(new CapabilityChange(ASKS));
        assertThat(addresses.frameFor(ASKS)).isEqualTo(new NodeAddresses(list));
        assertThat(addresses.frameFor(ASKS_ALL_BUT_ADDRESSES)).isNull();

        use(null);
        addresses.changed();
        assertThat(addresses.frameFor(ASKS)).isNull();
        assertThat(asked.sent()).containsExactly(new CapabilityChange(0));
    }

    @Test
    void eachSessionSendsTheListItFindsWhenItsEventLoopGetsThere() {
        AtomicReference<List<String>> list = new AtomicReference<>(List.of("tcp://10.0.0.1:7440"));
        use(book(list));
        asked.sent();
        // Two changes told before the loop ran: the client gets the newer list, once.
        addresses.changed();
        list.set(List.of("tcp://10.0.0.2:7440"));
        addresses.changed();
        assertThat(asked.sent()).containsExactly(new NodeAddresses(List.of("tcp://10.0.0.2:7440")));
    }

    @Test
    void aListToldAsTheBookIsWithdrawnIsNotSentAfterTheWithdrawal() {
        use(book(List.of("tcp://10.0.0.1:7440")));
        asked.sent();
        addresses.changed();
        // The book goes before the loop gets to the change: the client hears only that the
        // capability went, and no list follows it.
        addresses.use(null);
        host.capabilities = 0;
        asked.session.capabilitiesChanged();
        assertThat(asked.sent()).containsExactly(new CapabilityChange(0));
    }

    @Test
    void aListThatWouldNotFitOneFrameLeavesOutTooLongAddressesAndStopsAtTheMost() {
        List<String> many = new ArrayList<>();
        many.add("tcp://" + "h".repeat(250) + ":1");
        for (int i = 0; i < 70; i++) {
            many.add("tcp://10.0.0." + i + ":7440");
        }
        addresses.use(book(many));
        NodeAddresses frame = addresses.frameFor(ASKS);
        assertThat(frame.addresses()).hasSize(NodeAddresses.MAX_ADDRESSES)
                .startsWith("tcp://10.0.0.0:7440").doesNotContain(many.get(0));
    }
}
