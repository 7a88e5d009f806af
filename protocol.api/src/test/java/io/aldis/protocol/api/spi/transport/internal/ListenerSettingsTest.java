package io.aldis.protocol.api.spi.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The keys every listener's file has, read and checked the same way for every transport. */
class ListenerSettingsTest {
    private static final String FILE = "etc/io.aldis.transport.x-edge.cfg";

    private static ListenerSettings read(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, "file:/srv/aldis/" + FILE);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ListenerSettings.from(new ConfigValues(properties, "io.aldis.transport.x"), 7999);
    }

    @Test
    void anEmptyFileGivesALoopbackListenerOnTheTransportsPortWithTheDefaultLimitsAndNoTls() {
        assertThat(read()).isEqualTo(new ListenerSettings("default", "127.0.0.1", 7999,
                ListenerSettings.DEFAULT_MAX_CONNECTIONS, ListenerSettings.DEFAULT_MAX_FRAME_SIZE, 0,
                SpinWindow.DEFAULT_CAP_MICROS, TlsSettings.NONE));
    }

    @Test
    void everyKeyIsRead() {
        ListenerSettings s = read("name", "edge", "host", "0.0.0.0", "port", "7450", "maxConnections", "10",
                "maxFrameSize", "4096", "ioThreads", "3", "spinMicros", "0", "tls.keyStore", "etc/node.p12",
                "tls.keyStorePassword", "secret", "tls.keyStoreType", "JKS", "tls.trustStore", "etc/trust.jks",
                "tls.trustStorePassword", "other", "tls.clientAuth", "need", "tls.protocols", "TLSv1.3");
        assertThat(s).isEqualTo(new ListenerSettings("edge", "0.0.0.0", 7450, 10, 4096, 3, 0,
                new TlsSettings("etc/node.p12", "secret", "JKS", "etc/trust.jks", "other", "need",
                        List.of("TLSv1.3"))));
    }

    @Test
    void aBadValueIsRefusedInOneLineNamingTheFileTheKeyAndTheValue() {
        assertThatThrownBy(() -> read("port", "abc"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage(FILE + ": port = abc: not a whole number (0..65535)");
        assertThatThrownBy(() -> read("port", "-1")).hasMessage(FILE + ": port = -1: must be 0..65535");
        assertThatThrownBy(() -> read("maxConnections", "0"))
                .hasMessage(FILE + ": maxConnections = 0: must be at least 1");
        assertThatThrownBy(() -> read("maxFrameSize", "63"))
                .hasMessage(FILE + ": maxFrameSize = 63: must be at least 64");
        assertThatThrownBy(() -> read("ioThreads", "-1")).hasMessage(FILE + ": ioThreads = -1: must be at least 0");
        assertThatThrownBy(() -> read("spinMicros", "-5")).hasMessage(FILE + ": spinMicros = -5: must be at least 0");
        assertThatThrownBy(() -> read("tls.keyStoreType", "PEM"))
                .hasMessage(FILE + ": tls.keyStoreType = PEM: must be one of PKCS12, JKS");
        assertThatThrownBy(() -> read("tls.clientAuth", "maybe"))
                .hasMessage(FILE + ": tls.clientAuth = maybe: must be one of none, want, need");
    }

    @Test
    void settingsMadeInCodeAreCheckedToo() {
        ListenerSettings ok = ListenerSettings.plain("t", 0);
        assertThatThrownBy(() -> ok.withPort(65_536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withLimits(0, 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withLimits(1, 63)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ok.withSpinMicros(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListenerSettings("t", "127.0.0.1", 0, 1, 64, -1, 0, TlsSettings.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ListenerSettings("t", "127.0.0.1", 0, 1, 64, 0, 0, null).tls()).isEqualTo(TlsSettings.NONE);
    }

    @Test
    void onlyAnotherAddressOrOtherTlsNeedsANewSocket() {
        ListenerSettings s = ListenerSettings.plain("t", 7450);
        assertThat(s.sameSocket(s.withLimits(5, 4096).withSpinMicros(0))).isTrue();
        assertThat(s.sameSocket(s.withPort(7451))).isFalse();
        assertThat(s.sameSocket(new ListenerSettings("t", "0.0.0.0", 7450, s.maxConnections(), s.maxFrameSize(),
                s.ioThreads(), s.spinMicros(), s.tls()))).isFalse();
        assertThat(s.sameSocket(s.withTls(new TlsSettings("etc/node.p12", "", "PKCS12", "", "", "none",
                List.of("TLSv1.3"))))).isFalse();
    }
}
