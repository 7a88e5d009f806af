package io.aldis.feature.auth.internal.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.config.ConfigValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The ACL's configuration as an operator writes it in etc/io.aldis.auth.acl.cfg: each rule and
 * {@code cache.size} are checked on their own, a bad one is reported in one line naming the file,
 * the key and the value, and a key that is neither is reported as unknown.
 */
class AclConfigTest {
    private static final String FILE = "file:/opt/aldis/etc/io.aldis.auth.acl.cfg";

    private static Map<String, Object> file(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, FILE);
        properties.put("service.pid", AclAuthorizer.PID);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static ConfigValues values(String... keysAndValues) {
        return new ConfigValues(file(keysAndValues), AclAuthorizer.PID);
    }

    @Test
    void aBadCacheSizeIsRefusedAndTheSizeInForceStays() {
        assertThat(AclAuthorizer.cacheSize(values("cache.size", "64"), 7)).isEqualTo(64);
        assertThat(AclAuthorizer.cacheSize(values("cache.size", "0"), 7)).isZero();
        assertThat(AclAuthorizer.cacheSize(values(), 7)).isEqualTo(AclAuthorizer.DEFAULT_CACHE_SIZE);
        assertThat(AclAuthorizer.cacheSize(values("cache.size", "-1"), 7)).isEqualTo(7);
        assertThat(AclAuthorizer.cacheSize(values("cache.size", "big"), 7)).isEqualTo(7);
    }

    @Test
    void aBadCacheSizeDoesNotCostTheRules() {
        AclAuthorizer acl = new AclAuthorizer(file("cache.size", "-1", "rule.10", "allow * pubsub publish a.>"));
        assertThat(acl.usingDefaults()).isFalse();
        assertThat(acl.rules()).extracting(AclRule::key).containsExactly("rule.10");
        assertThat(acl.problems()).isEmpty();
    }

    @Test
    void keysThatAreNeitherRulesNorTheCacheSizeAreUnknown() {
        Map<String, Object> properties = file("rule.10", "allow * * * >", "rul.20", "deny * * * >", "cache.size", "8",
                "cachesize", "8", "component.id", "3");
        assertThat(AclAuthorizer.unknownKeys(new ConfigValues(properties, AclAuthorizer.PID), properties))
                .containsExactly("cachesize", "rul.20");
    }

    @Test
    void aSkippedRuleIsLoggedInOneLineNamingFileKeyAndValue() {
        List<String> lines = new ArrayList<>();
        Logger logger = Logger.getLogger(AclAuthorizer.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            AclAuthorizer acl = new AclAuthorizer(file("rule.10", "allow * pubsub publsh news.>",
                    "rule.20", "allow * pubsub publish news.>"));
            assertThat(acl.rules()).extracting(AclRule::key).containsExactly("rule.20");
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(lines).contains("etc/io.aldis.auth.acl.cfg: rule.10 = allow * pubsub publsh news.>: "
                + "unknown action 'publsh' for domain pubsub (known: publish, subscribe, block, or *); "
                + "the rule is skipped");
        assertThat(lines).allMatch(line -> !line.contains("\n"));
    }
}
