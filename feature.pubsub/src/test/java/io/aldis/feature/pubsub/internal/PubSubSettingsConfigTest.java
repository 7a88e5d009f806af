package io.aldis.feature.pubsub.internal;

import io.aldis.protocol.api.SlowConsumerPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The pub/sub configuration as an operator writes it in etc/io.aldis.pubsub.cfg: every bad value
 * is refused in one line that names the file, the key and the value, and only that key.
 */
class PubSubSettingsConfigTest {
    private static final Pattern SHIPPED_SETTING = Pattern.compile("#([A-Za-z][\\w.]*) = ?(.*)");

    private static final String FILE = "file:/opt/aldis/etc/io.aldis.pubsub.cfg";

    private static Map<String, Object> file(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, FILE);
        properties.put("service.pid", PubSubComponent.PID);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static PubSubSettings read(String... keysAndValues) {
        return PubSubSettings.from(new ConfigValues(file(keysAndValues), PubSubComponent.PID));
    }

    @Test
    void valuesFromTheFileAreReadAndMissingKeysTakeTheirDefaults() {
        PubSubSettings s = read("maxSubjectLength", " 64 ", "defaultPolicy", "drop-oldest",
                "allowedPolicies", "drop-oldest, disconnect", "rateGlobal", "2.5", "ratePrefixes",
                "sensors.raw=100/200,audit=5", "sysEvents", "false");
        assertThat(s.maxSubjectLength()).isEqualTo(64);
        assertThat(s.defaultPolicy()).isEqualTo(SlowConsumerPolicy.DROP_OLDEST);
        assertThat(s.allowedPolicies()).isEqualTo(EnumSet.of(SlowConsumerPolicy.DROP_OLDEST, SlowConsumerPolicy.DISCONNECT));
        assertThat(s.rateGlobal()).isEqualTo(2.5);
        assertThat(s.ratePrefixes()).containsExactly(new PubSubSettings.PrefixLimit("sensors.raw", 100, 200),
                new PubSubSettings.PrefixLimit("audit", 5, 5));
        assertThat(s.sysEvents()).isFalse();
        assertThat(s.maxMessageBytes()).isEqualTo(PubSubSettings.defaults().maxMessageBytes());
        assertThat(read()).isEqualTo(PubSubSettings.defaults());
    }

    @Test
    void typedValuesSetThroughConfigAdminAreReadToo() {
        Map<String, Object> set = Map.of("maxInFlightMessages", 8, "sysEvents", Boolean.FALSE,
                "allowedPolicies", new String[] {"block"}, "defaultPolicy", "block");
        PubSubSettings s = PubSubSettings.from(new ConfigValues(set, PubSubComponent.PID));
        assertThat(s.maxInFlightMessages()).isEqualTo(8);
        assertThat(s.sysEvents()).isFalse();
        assertThat(s.allowedPolicies()).containsExactly(SlowConsumerPolicy.BLOCK);
    }

    @Test
    void limitsBelowOneAreRefusedInOneLineNamingFileKeyAndValue() {
        assertThatThrownBy(() -> read("maxSubjectLength", "-1"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.pubsub.cfg: maxSubjectLength = -1: must be at least 1");
        assertThatThrownBy(() -> read("maxSubscriptionsPerSession", "0"))
                .hasMessage("etc/io.aldis.pubsub.cfg: maxSubscriptionsPerSession = 0: must be at least 1");
        assertThatThrownBy(() -> read("messageTimeoutMillis", "-5"))
                .hasMessage("etc/io.aldis.pubsub.cfg: messageTimeoutMillis = -5: must be at least 1");
        assertThatThrownBy(() -> read("blockMaxHoldMillis", "0"))
                .hasMessage("etc/io.aldis.pubsub.cfg: blockMaxHoldMillis = 0: must be at least 1");
        assertThatThrownBy(() -> read("blockOverflowBytes", "-1"))
                .hasMessage("etc/io.aldis.pubsub.cfg: blockOverflowBytes = -1: must be at least 0");
    }

    @Test
    void textWhereANumberBelongsNamesTheKeyNotAnother() {
        assertThatThrownBy(() -> read("maxSubjectDepth", "8", "maxMessageBytes", "1MB"))
                .hasMessage("etc/io.aldis.pubsub.cfg: maxMessageBytes = 1MB: not a whole number (at least 1)");
        assertThatThrownBy(() -> read("rateGlobal", "fast"))
                .hasMessage("etc/io.aldis.pubsub.cfg: rateGlobal = fast: not a number (at least 0; 0 for no limit)");
        assertThatThrownBy(() -> read("ratePerConnectionBurst", "-3"))
                .hasMessage("etc/io.aldis.pubsub.cfg: ratePerConnectionBurst = -3: must be at least 0 (0 for no limit)");
        assertThatThrownBy(() -> read("sysEvents", "yes"))
                .hasMessage("etc/io.aldis.pubsub.cfg: sysEvents = yes: must be true or false");
    }

    @Test
    void policiesMustBeKnownOnes() {
        assertThatThrownBy(() -> read("defaultPolicy", "drop-all"))
                .hasMessage("etc/io.aldis.pubsub.cfg: defaultPolicy = drop-all: must be one of block, drop-oldest, "
                        + "drop-newest, disconnect");
        assertThatThrownBy(() -> read("allowedPolicies", "block,dropoldest"))
                .hasMessage("etc/io.aldis.pubsub.cfg: allowedPolicies = dropoldest: must be one of block, "
                        + "drop-oldest, drop-newest, disconnect");
    }

    @Test
    void aBadRatePrefixIsNamedWithWhatIsWrongAndNoParserWords() {
        assertThatThrownBy(() -> read("ratePrefixes", "a=1,sensors=lots"))
                .hasMessage("etc/io.aldis.pubsub.cfg: ratePrefixes = sensors=lots: the rate 'lots' is not a number");
        assertThatThrownBy(() -> read("ratePrefixes", "sensors.*=5"))
                .hasMessage("etc/io.aldis.pubsub.cfg: ratePrefixes = sensors.*=5: the prefix 'sensors.*' must be a "
                        + "subject without wildcards");
        assertThatThrownBy(() -> read("ratePrefixes", "sensors"))
                .hasMessage("etc/io.aldis.pubsub.cfg: ratePrefixes = sensors: must be 'prefix=rate' or "
                        + "'prefix=rate/burst'");
    }

    @Test
    void rulesBetweenKeysNameTheKeyThatBreaksThem() {
        assertThatThrownBy(() -> read("defaultBudgetBytes", "2048", "maxBudgetBytes", "1024"))
                .hasMessage("etc/io.aldis.pubsub.cfg: maxBudgetBytes = 1024: must be at least defaultBudgetBytes (2048)");
    }

    @Test
    void withoutAFileTheMessageNamesThePid() {
        Map<String, Object> set = Map.of("maxSubjectDepth", -1);
        assertThatThrownBy(() -> PubSubSettings.from(new ConfigValues(set, PubSubComponent.PID)))
                .hasMessage("io.aldis.pubsub: maxSubjectDepth = -1: must be at least 1");
    }

    @Test
    void theComponentReadsTheSameWayAndFindsAMisspeltKey() {
        assertThat(PubSubComponent.read(file("maxSubjectLength", "32")).maxSubjectLength()).isEqualTo(32);
        assertThatThrownBy(() -> PubSubComponent.read(file("maxSubjectLength", "-1")))
                .hasMessage("etc/io.aldis.pubsub.cfg: maxSubjectLength = -1: must be at least 1");
        Map<String, Object> misspelt = file("maxSubjectLenght", "32", "component.name", "x");
        assertThat(new ConfigValues(misspelt, PubSubComponent.PID).unknownKeys(PubSubSettings.KEYS))
                .containsExactly("maxSubjectLenght");
        assertThat(PubSubSettings.KEYS).containsAll(List.of("rateGlobal", "ratePrefixes", "blockMaxHoldMillis"));
    }

    @Test
    void sessionPollMillisIsGoneAndAnOldFileThatSetsItIsWarnedAbout() {
        // Sessions are no longer polled: the node tells the feature of each one opening.
        Map<String, Object> old = file("sessionPollMillis", "1000");
        assertThat(new ConfigValues(old, PubSubComponent.PID).unknownKeys(PubSubSettings.KEYS))
                .containsExactly("sessionPollMillis");
        assertThat(PubSubComponent.read(old)).isEqualTo(PubSubSettings.defaults());
    }

    @Test
    void theShippedFileShowsEveryKeyWithItsDefault() throws IOException {
        Map<String, Object> shipped = shippedFileUncommented("io.aldis.pubsub.cfg");
        assertThat(shipped.keySet()).isEqualTo(PubSubSettings.KEYS);
        assertThat(PubSubSettings.from(new ConfigValues(shipped, PubSubComponent.PID))).isEqualTo(PubSubSettings.defaults());
    }

    /** The keys and values of a shipped etc file with each commented-out {@code #key = value} line taken in. */
    private static Map<String, Object> shippedFileUncommented(String name) throws IOException {
        Path shipped = Path.of("..", "distribution", "src", "main", "resources", "assembly", "etc", name);
        Map<String, Object> properties = new HashMap<>();
        for (String line : Files.readAllLines(shipped)) {
            Matcher setting = SHIPPED_SETTING.matcher(line);
            if (setting.matches()) {
                properties.put(setting.group(1), setting.group(2));
            }
        }
        return properties;
    }
}
