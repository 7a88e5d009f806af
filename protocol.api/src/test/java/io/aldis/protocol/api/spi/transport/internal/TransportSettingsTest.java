package io.aldis.protocol.api.spi.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {
    record WithPath(ListenerSettings listener, String path) implements TransportSettings {
    }

    @Test
    void aTransportsSettingsAnswerForTheCommonPartAsIfItWereTheirOwn() {
        TlsSettings tls = new TlsSettings("etc/node.p12", "pw", "PKCS12", "", "", "want", List.of("TLSv1.3"));
        WithPath s = new WithPath(new ListenerSettings("edge", "0.0.0.0", 7450, 10, 4096, 3, 50, tls), "/x");

        assertThat(List.of(s.name(), s.host(), s.port(), s.maxConnections(), s.maxFrameSize(), s.ioThreads(),
                s.spinMicros(), s.tls())).containsExactly("edge", "0.0.0.0", 7450, 10, 4096, 3, 50, tls);
        assertThat(s.path()).isEqualTo("/x");
    }
}
