package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.node.ClientAddressBook;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static final long ASKS = Capability.NODE_ADDRESSES.mask();

    private final ClientAddresses addresses = new ClientAddresses(List::of);

    /** A book that always answers {@code list}, as the cluster's would. */
    private static ClientAddressBook book(List<String> list) {
        return new ClientAddressBook() {
            @Override
            public List<String> clientAddresses() {
                return list;
            }

            @Override
            public AutoCloseable onChange(Runnable listener) {
                return () -> { };
            }
        };
    }

    @Test
    void withoutABookNothingIsOfferedOrSent() {
        assertThat(addresses.present()).isFalse();
        assertThat(addresses.frameFor(ASKS)).isNull();
    }

    @Test
    void onlyAClientThatAskedGetsTheList() {
        addresses.use(book(List.of("tcp://10.0.0.1:7440", "ws://10.0.0.1:8080/aldis")));
        assertThat(addresses.present()).isTrue();
        assertThat(addresses.frameFor(ASKS))
                .isEqualTo(new NodeAddresses(List.of("tcp://10.0.0.1:7440", "ws://10.0.0.1:8080/aldis")));
        assertThat(addresses.frameFor(Capability.maskOf(java.util.EnumSet.complementOf(
                java.util.EnumSet.of(Capability.NODE_ADDRESSES))))).isNull();
        addresses.use(null);
        assertThat(addresses.frameFor(ASKS)).isNull();
    }

    @Test
    void aListThatWouldNotFitOneFrameIsCut() {
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
