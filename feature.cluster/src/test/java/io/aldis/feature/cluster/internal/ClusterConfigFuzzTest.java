package io.aldis.feature.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.feature.cluster.internal.addresses.ClientAddressSyntax;
import io.aldis.protocol.api.QuotedText;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Fuzzes the reading of the cluster's configuration with the text of an
 * {@code etc/io.aldis.cluster.cfg} file, as {@code ClusterComponent} reads it: the settings
 * ({@link ClusterSettings#from}, which also opens the links' key and trust stores) and then the
 * client addresses ({@link ClientAddressSyntax#read}). The contract: settings that keep the rules the
 * file documents (a name and node name of the allowed characters, a secret of at least 16
 * characters, an IPv4 host, members and a public address of the form host:port, 2 to 600 seconds to
 * fail, TLS only on links and only with a trust store and TLS 1.2 or 1.3) and client addresses each
 * of which {@link ClientAddressSyntax#problem} accepts, without repeats, at most
 * {@link NodeAddresses#MAX_ADDRESSES}; or one {@link InvalidConfigurationException} that names the
 * file and a key in one printable line, gives one of the readers' own reasons rather than a
 * library's or the JDK's words, and never shows the secret or a store password. Nothing else
 * escapes.
 *
 * <p>Stores are named relative to a directory of the target's ({@code karaf.base}) that holds a
 * usable pair ({@code member.p12}, {@code member-trust.p12}, password {@value TestStores#PASSWORD})
 * and a file that is no store ({@code not-a-store}); inputs that name a file outside it are skipped,
 * as the fuzzer must not read the machine's files (a device such as {@code /dev/zero} never ends).
 */
class ClusterConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.cluster.cfg";
    private static final Path BASE;

    static {
        try {
            BASE = Files.createTempDirectory("cluster-config-fuzz").toRealPath();
            TestStores.create(BASE, "member");
            Files.write(BASE.resolve("not-a-store"), "0\u00830\u0001\u0002\u0003 this is no key store\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The readers' own reasons, each ending the message; anything else came from elsewhere. */
    private static final Pattern OWN_REASONS = Pattern.compile(".*: (?:"
            + "must be 1 to 64 letters, digits, '\\.', '_' or '-'"
            + "|is required: set the same random text of at least 16 characters on every member"
            + "|must have at least 16 characters"
            + "|must be an IPv4 address such as 127\\.0\\.0\\.1 or 10\\.0\\.0\\.5"
            + "|not a whole number \\([0-9. a-z]+\\)|must be (?:at least )?-?\\d+(?:\\.\\.\\d+)?"
            + "|must be one of PKCS12, JKS|must be true or false"
            + "|each member must be host:port, such as 127\\.0\\.0\\.1:7450"
            + "|must be host:port, such as 10\\.0\\.0\\.5:7450, or empty for host:port"
            + "|must be links \\(the default\\) or hazelcast"
            + "|is set while tls\\.keyStore is empty, and the links run inside TLS only with tls\\.keyStore: set"
            + " tls\\.keyStore \\(spelt so\\), or remove tls\\..*"
            + "|is required with tls\\.keyStore: each member accepts only the members whose certificates its trust"
            + " store holds"
            + "|sends messages and calls through Hazelcast, which has no TLS: use dataPath = links with"
            + " tls\\.keyStore, or remove the tls\\. settings"
            + "|must be TLSv1\\.3, TLSv1\\.2 or both"
            // MutualTls, for the stores
            + "|cannot read .*: (?:no such file|permission denied|it is a directory|not a file name)"
            + "|cannot read .* as a (?:PKCS12|JKS) store: it is damaged or of another type"
            + "|.* cannot be used: its key or certificate is of a kind this Java runtime cannot use"
            + "|cannot be used with these stores"
            + "|the password does not open .*|.* holds no private key with its certificate"
            + "|.* holds no certificate to trust"
            // ClientAddressSyntax
            + "|is longer than 255 bytes|must start with tcp://, tcps://, ws:// or wss://"
            + "|is not a URI(?: \\(at character \\d+\\))?"
            + "|must name a host and a port from 1 to 65535, such as .*"
            + "|must have no path after host:port for tcps?|must have no user, query or fragment"
            + "|must name at most 64"
            + ")");
    // Numbers of 0 to 255, with leading zeros as Java reads them (in decimal).
    private static final Pattern IPV4 = Pattern.compile("(?:25[0-5]|2[0-4]\\d|[01]?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|[01]?\\d?\\d)){3}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SECRET_LIKE = Pattern.compile("[A-Za-z0-9._-]{8,}");

    @FuzzTest
    void settingsOrOneLineNamingTheKey(byte[] file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(file, StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException malformedEscape) {
            return; // not a configuration file Config Admin would read either
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (namesAFileOutsideTheBase(properties.getProperty("tls.keyStore"))
                || namesAFileOutsideTheBase(properties.getProperty("tls.trustStore"))) {
            return;
        }
        Map<String, Object> map = new HashMap<>();
        properties.forEach((k, v) -> map.put((String) k, v));
        map.put(ConfigValues.FILE_PROPERTY, "/opt/aldis/" + FILE);
        ConfigValues values = new ConfigValues(map, "io.aldis.cluster");
        String previousBase = System.getProperty("karaf.base");
        System.setProperty("karaf.base", BASE.toString());
        try {
            ClusterSettings s = ClusterSettings.from(values);
            List<String> addresses = ClientAddressSyntax.read(values);
            holdsItsRules(s);
            assertThat(addresses).hasSizeLessThanOrEqualTo(NodeAddresses.MAX_ADDRESSES).doesNotHaveDuplicates()
                    .allMatch(a -> ClientAddressSyntax.problem(a) == null);
        } catch (InvalidConfigurationException e) {
            String message = e.getMessage();
            assertThat(message).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(ClusterSettings.KEYS.stream().anyMatch(key -> message.startsWith(FILE + ": " + key + " = "))
                    || properties.stringPropertyNames().stream().anyMatch(key -> key.startsWith("tls.")
                            && message.startsWith(FILE + ": " + QuotedText.of(key, 64) + " = ")))
                    .as("a key of the file named in: %s", message).isTrue();
            assertThat(OWN_REASONS.matcher(message).matches() || cannotReadAsSuch(message, properties))
                    .as("one of the readers' own reasons: %s", message).isTrue();
            for (String hidden : List.of("secret", "tls.keyStorePassword", "tls.trustStorePassword")) {
                String value = properties.getProperty(hidden, "").strip();
                // Other values can occur in the message by chance: short ones in a reason or a file
                // name, and "= x" in the "key = value" of another key whose value is x.
                if (SECRET_LIKE.matcher(value).matches() && !isInAnotherValue(properties, hidden, value)) {
                    assertThat(message).as("the message shows %s", hidden).doesNotContain(value);
                }
            }
        } finally {
            if (previousBase == null) {
                System.clearProperty("karaf.base");
            } else {
                System.setProperty("karaf.base", previousBase);
            }
        }
    }

    private static void holdsItsRules(ClusterSettings s) {
        assertThat(s.name()).matches(NAME);
        assertThat(s.nodeName()).matches(NAME.pattern() + "|" + Pattern.quote(s.host() + ":" + s.port()));
        assertThat(s.secret().length()).isGreaterThanOrEqualTo(ClusterSettings.MIN_SECRET_LENGTH);
        assertThat(s.host()).as("an IPv4 address").matches(IPV4);
        assertThat(s.port()).isBetween(1, 65_535);
        assertThat(s.linkPort()).isBetween(0, 65_535);
        assertThat(s.failureSeconds()).isBetween(2, 600);
        assertThat(s.members()).allSatisfy(ClusterConfigFuzzTest::isHostAndPort);
        isHostAndPort(s.publicAddress());
        assertThat(s.dataPath()).isIn(ClusterSettings.LINKS, ClusterSettings.HAZELCAST);
        if (s.tls()) {
            assertThat(s.links()).isTrue();
            assertThat(s.linkTls().trustStore()).isNotBlank();
            assertThat(s.linkTls().protocols()).isNotEmpty().isSubsetOf("TLSv1.3", "TLSv1.2");
            assertThat(s.linkContexts().tls()).isNotNull();
        }
    }

    private static void isHostAndPort(String address) {
        int colon = address.lastIndexOf(':');
        assertThat(colon).as("host:port %s", address).isPositive();
        assertThat(Integer.parseInt(address.substring(colon + 1))).isBetween(1, 65_535);
    }

    private static boolean namesAFileOutsideTheBase(String file) {
        if (file == null || file.isBlank()) {
            return false;
        }
        try {
            return !BASE.resolve(file.strip()).normalize().startsWith(BASE);
        } catch (InvalidPathException e) {
            return false; // no file at all: the reader must refuse it in its own words
        }
    }

    /** MutualTls's refusal of a store it cannot read for a reason it does not name (a name too long). */
    private static boolean cannotReadAsSuch(String message, Properties properties) {
        for (String key : List.of("tls.keyStore", "tls.trustStore")) {
            String file = QuotedText.of(properties.getProperty(key, "").strip(), 0);
            if (message.equals(FILE + ": " + key + " = " + file + ": cannot read " + file)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isInAnotherValue(Properties properties, String key, String value) {
        var others = new HashSet<>(properties.stringPropertyNames());
        others.remove(key);
        return others.stream().anyMatch(k -> k.contains(value) || properties.getProperty(k).contains(value));
    }
}
