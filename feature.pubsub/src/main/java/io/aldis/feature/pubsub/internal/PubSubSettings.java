package io.aldis.feature.pubsub.internal;

import io.aldis.feature.pubsub.internal.routing.Subjects;
import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The pub/sub settings as plain values, so the feature runs without OSGi (tests, benchmarks). */
public record PubSubSettings(int maxSubscriptionsPerSession, int maxMessageBytes, int maxSubjectLength,
        int maxSubjectDepth, SlowConsumerPolicy defaultPolicy, Set<SlowConsumerPolicy> allowedPolicies, int defaultBudgetBytes,
        int maxBudgetBytes, int blockOverflowBytes, double rateGlobal, double rateGlobalBurst,
        double ratePerConnection, double ratePerConnectionBurst, List<PrefixLimit> ratePrefixes, boolean sysEvents,
        int messageTimeoutMillis, int maxInFlightMessages, int blockMaxHoldMillis) {

    /** A rate limit on the subjects under a prefix. */
    public record PrefixLimit(String prefix, double rate, double burst) {
        /**
         * Parses {@code prefix=rate} or {@code prefix=rate/burst}.
         *
         * @throws IllegalArgumentException whose message says, for an operator, what is wrong
         */
        public static PrefixLimit parse(String spec) {
            int eq = spec.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("must be 'prefix=rate' or 'prefix=rate/burst'");
            }
            String prefix = spec.substring(0, eq).trim();
            String value = spec.substring(eq + 1).trim();
            int slash = value.indexOf('/');
            double rate = positive(slash < 0 ? value : value.substring(0, slash), "rate");
            double burst = slash < 0 ? rate : positive(value.substring(slash + 1), "burst");
            if (Subjects.checkSubject(prefix, 1024, 1024) != null) {
                throw new IllegalArgumentException("the prefix '" + prefix + "' must be a subject without wildcards");
            }
            return new PrefixLimit(prefix, rate, burst);
        }

        private static double positive(String text, String what) {
            double number;
            try {
                number = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the " + what + " '" + text.trim() + "' is not a number");
            }
            if (!(number > 0) || Double.isInfinite(number)) {
                throw new IllegalArgumentException("the " + what + " must be a positive number");
            }
            return number;
        }
    }

    public PubSubSettings {
        atLeast("maxSubscriptionsPerSession", maxSubscriptionsPerSession, 1);
        atLeast("maxMessageBytes", maxMessageBytes, 1);
        atLeast("maxSubjectLength", maxSubjectLength, 1);
        atLeast("maxSubjectDepth", maxSubjectDepth, 1);
        atLeast("defaultBudgetBytes", defaultBudgetBytes, 1);
        atLeast("blockOverflowBytes", blockOverflowBytes, 0);
        atLeast("messageTimeoutMillis", messageTimeoutMillis, 1);
        atLeast("maxInFlightMessages", maxInFlightMessages, 1);
        atLeast("blockMaxHoldMillis", blockMaxHoldMillis, 1);
        if (maxBudgetBytes < defaultBudgetBytes) {
            throw new IllegalArgumentException("maxBudgetBytes = " + maxBudgetBytes
                    + ": must be at least defaultBudgetBytes (" + defaultBudgetBytes + ")");
        }
        allowedPolicies = allowedPolicies.isEmpty() ? EnumSet.of(defaultPolicy) : EnumSet.copyOf(allowedPolicies);
        ratePrefixes = List.copyOf(ratePrefixes);
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " = " + value + ": must be at least " + min);
        }
    }

    /** The defaults of {@link PubSubConfig}. */
    public static PubSubSettings defaults() {
        return new PubSubSettings(10_000, 1_048_576, 256, 16, SlowConsumerPolicy.DISCONNECT, EnumSet.allOf(SlowConsumerPolicy.class),
                1_048_576, 16_777_216, 4_194_304, 0, 0, 0, 0, List.of(), true, 30_000, 256, 10_000);
    }

    /** The keys of {@link PubSubConfig}, the only ones a pub/sub configuration may have. */
    public static final Set<String> KEYS = Set.of("maxSubscriptionsPerSession", "maxMessageBytes", "maxSubjectLength",
            "maxSubjectDepth", "defaultPolicy", "allowedPolicies", "defaultBudgetBytes", "maxBudgetBytes",
            "blockOverflowBytes", "blockMaxHoldMillis", "rateGlobal", "rateGlobalBurst", "ratePerConnection",
            "ratePerConnectionBurst", "ratePrefixes", "sysEvents", "messageTimeoutMillis",
            "maxInFlightMessages");

    /**
     * Settings read key by key from a configuration, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static PubSubSettings from(ConfigValues c) {
        PubSubSettings d = defaults();
        int max = Integer.MAX_VALUE;
        List<String> policyLabels = Arrays.stream(SlowConsumerPolicy.values()).map(SlowConsumerPolicy::wireName).toList();
        try {
            return new PubSubSettings(
                    c.integer("maxSubscriptionsPerSession", d.maxSubscriptionsPerSession(), 1, max),
                    c.integer("maxMessageBytes", d.maxMessageBytes(), 1, max),
                    c.integer("maxSubjectLength", d.maxSubjectLength(), 1, max),
                    c.integer("maxSubjectDepth", d.maxSubjectDepth(), 1, max),
                    SlowConsumerPolicy.ofWireName(c.choice("defaultPolicy", d.defaultPolicy().wireName(), policyLabels)),
                    policies(c, d.allowedPolicies(), policyLabels),
                    c.integer("defaultBudgetBytes", d.defaultBudgetBytes(), 1, max),
                    c.integer("maxBudgetBytes", d.maxBudgetBytes(), 1, max),
                    c.integer("blockOverflowBytes", d.blockOverflowBytes(), 0, max),
                    c.rate("rateGlobal", d.rateGlobal()),
                    c.rate("rateGlobalBurst", d.rateGlobalBurst()),
                    c.rate("ratePerConnection", d.ratePerConnection()),
                    c.rate("ratePerConnectionBurst", d.ratePerConnectionBurst()),
                    prefixes(c),
                    c.flag("sysEvents", d.sysEvents()),
                    c.integer("messageTimeoutMillis", d.messageTimeoutMillis(), 1, max),
                    c.integer("maxInFlightMessages", d.maxInFlightMessages(), 1, max),
                    c.integer("blockMaxHoldMillis", d.blockMaxHoldMillis(), 1, max));
        } catch (InvalidConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // A rule between two keys; the message names them and their values.
            throw new InvalidConfigurationException(c.source() + ": " + e.getMessage());
        }
    }

    private static Set<SlowConsumerPolicy> policies(ConfigValues c, Set<SlowConsumerPolicy> defaults, List<String> labels) {
        List<String> defaultLabels = defaults.stream().map(SlowConsumerPolicy::wireName).toList();
        Set<SlowConsumerPolicy> allowed = EnumSet.noneOf(SlowConsumerPolicy.class);
        for (String label : c.list("allowedPolicies", defaultLabels)) {
            SlowConsumerPolicy policy = SlowConsumerPolicy.ofWireName(label);
            if (policy == null) {
                throw c.invalid("allowedPolicies", label, "must be one of " + String.join(", ", labels));
            }
            allowed.add(policy);
        }
        return allowed;
    }

    private static List<PrefixLimit> prefixes(ConfigValues c) {
        List<PrefixLimit> prefixes = new ArrayList<>();
        for (String spec : c.list("ratePrefixes", List.of())) {
            try {
                prefixes.add(PrefixLimit.parse(spec));
            } catch (IllegalArgumentException e) {
                throw c.invalid("ratePrefixes", spec, e.getMessage());
            }
        }
        return prefixes;
    }

    public PubSubSettings withLimits(int maxSubscriptions, int maxMessage) {
        return new PubSubSettings(maxSubscriptions, maxMessage, maxSubjectLength, maxSubjectDepth, defaultPolicy,
                allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, rateGlobal, rateGlobalBurst,
                ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents,
                messageTimeoutMillis, maxInFlightMessages, blockMaxHoldMillis);
    }

    public PubSubSettings withRates(double global, double globalBurst, double perConnection, double perConnectionBurst,
            List<PrefixLimit> prefixes) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                defaultPolicy, allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, global,
                globalBurst, perConnection, perConnectionBurst, prefixes, sysEvents,
                messageTimeoutMillis, maxInFlightMessages, blockMaxHoldMillis);
    }

    public PubSubSettings withBudgets(SlowConsumerPolicy policy, Set<SlowConsumerPolicy> allowed, int defaultBudget, int maxBudget,
            int blockOverflow) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                policy, allowed, defaultBudget, maxBudget, blockOverflow, rateGlobal, rateGlobalBurst,
                ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents,
                messageTimeoutMillis, maxInFlightMessages, blockMaxHoldMillis);
    }

    public PubSubSettings withMessages(int timeoutMillis, int maxInFlight) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                defaultPolicy, allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, rateGlobal,
                rateGlobalBurst, ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents,
                timeoutMillis, maxInFlight, blockMaxHoldMillis);
    }

    /** A copy with another bound on how long a {@code block} subscription may hold publishers. */
    public PubSubSettings withBlockMaxHold(int millis) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                defaultPolicy, allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, rateGlobal,
                rateGlobalBurst, ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents,
                messageTimeoutMillis, maxInFlightMessages, millis);
    }
}
