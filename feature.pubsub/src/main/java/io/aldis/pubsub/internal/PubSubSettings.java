package io.aldis.pubsub.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The pub/sub settings as plain values, so the feature runs without OSGi (tests, benchmarks). */
public record PubSubSettings(int maxSubscriptionsPerSession, int maxMessageBytes, int maxSubjectLength,
        int maxSubjectDepth, Policy defaultPolicy, Set<Policy> allowedPolicies, int defaultBudgetBytes,
        int maxBudgetBytes, int blockOverflowBytes, double rateGlobal, double rateGlobalBurst,
        double ratePerConnection, double ratePerConnectionBurst, List<PrefixLimit> ratePrefixes, boolean sysEvents,
        int sessionPollMillis, int messageTimeoutMillis, int maxInFlightMessages, int blockMaxHoldMillis) {

    /** A rate limit on the subjects under a prefix. */
    public record PrefixLimit(String prefix, double rate, double burst) {
        /** Parses {@code prefix=rate} or {@code prefix=rate/burst}. */
        public static PrefixLimit parse(String spec) {
            int eq = spec.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("rate prefix '" + spec + "' is not 'prefix=rate[/burst]'");
            }
            String prefix = spec.substring(0, eq).trim();
            String value = spec.substring(eq + 1).trim();
            int slash = value.indexOf('/');
            double rate = Double.parseDouble(slash < 0 ? value : value.substring(0, slash).trim());
            double burst = slash < 0 ? rate : Double.parseDouble(value.substring(slash + 1).trim());
            if (Subjects.checkSubject(prefix, 1024, 1024) != null || rate <= 0) {
                throw new IllegalArgumentException("rate prefix '" + spec + "' needs a concrete subject prefix and a positive rate");
            }
            return new PrefixLimit(prefix, rate, burst);
        }
    }

    public PubSubSettings {
        if (defaultBudgetBytes <= 0 || maxBudgetBytes < defaultBudgetBytes) {
            throw new IllegalArgumentException("maxBudgetBytes must be at least defaultBudgetBytes, which must be positive");
        }
        if (maxMessageBytes <= 0 || maxSubscriptionsPerSession <= 0 || maxSubjectLength <= 0 || maxSubjectDepth <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (blockMaxHoldMillis <= 0) {
            throw new IllegalArgumentException("blockMaxHoldMillis must be positive");
        }
        allowedPolicies = allowedPolicies.isEmpty() ? EnumSet.of(defaultPolicy) : EnumSet.copyOf(allowedPolicies);
        ratePrefixes = List.copyOf(ratePrefixes);
    }

    public static PubSubSettings defaults() {
        return new PubSubSettings(10_000, 1_048_576, 256, 16, Policy.DISCONNECT, EnumSet.allOf(Policy.class),
                1_048_576, 16_777_216, 4_194_304, 0, 0, 0, 0, List.of(), true, 1_000, 30_000, 256, 10_000);
    }

    public static PubSubSettings from(PubSubConfig c) {
        Policy def = Policy.of(c.defaultPolicy());
        if (def == null) {
            throw new IllegalArgumentException("unknown defaultPolicy '" + c.defaultPolicy() + "'");
        }
        Set<Policy> allowed = EnumSet.noneOf(Policy.class);
        for (String name : c.allowedPolicies()) {
            Policy p = Policy.of(name);
            if (p == null) {
                throw new IllegalArgumentException("unknown policy '" + name + "' in allowedPolicies");
            }
            allowed.add(p);
        }
        List<PrefixLimit> prefixes = new ArrayList<>();
        for (String spec : c.ratePrefixes()) {
            if (!spec.isBlank()) {
                prefixes.add(PrefixLimit.parse(spec));
            }
        }
        return new PubSubSettings(c.maxSubscriptionsPerSession(), c.maxMessageBytes(), c.maxSubjectLength(),
                c.maxSubjectDepth(), def, allowed, c.defaultBudgetBytes(), c.maxBudgetBytes(), c.blockOverflowBytes(),
                c.rateGlobal(), c.rateGlobalBurst(), c.ratePerConnection(), c.ratePerConnectionBurst(), prefixes,
                c.sysEvents(), c.sessionPollMillis(), c.messageTimeoutMillis(), c.maxInFlightMessages(),
                c.blockMaxHoldMillis());
    }

    public PubSubSettings withLimits(int maxSubscriptions, int maxMessage) {
        return new PubSubSettings(maxSubscriptions, maxMessage, maxSubjectLength, maxSubjectDepth, defaultPolicy,
                allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, rateGlobal, rateGlobalBurst,
                ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents, sessionPollMillis,
                messageTimeoutMillis, maxInFlightMessages, blockMaxHoldMillis);
    }

    public PubSubSettings withRates(double global, double globalBurst, double perConnection, double perConnectionBurst,
            List<PrefixLimit> prefixes) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                defaultPolicy, allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, global,
                globalBurst, perConnection, perConnectionBurst, prefixes, sysEvents, sessionPollMillis,
                messageTimeoutMillis, maxInFlightMessages, blockMaxHoldMillis);
    }

    public PubSubSettings withBudgets(Policy policy, Set<Policy> allowed, int defaultBudget, int maxBudget,
            int blockOverflow) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                policy, allowed, defaultBudget, maxBudget, blockOverflow, rateGlobal, rateGlobalBurst,
                ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents, sessionPollMillis,
                messageTimeoutMillis, maxInFlightMessages, blockMaxHoldMillis);
    }

    public PubSubSettings withMessages(int timeoutMillis, int maxInFlight) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                defaultPolicy, allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, rateGlobal,
                rateGlobalBurst, ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents, sessionPollMillis,
                timeoutMillis, maxInFlight, blockMaxHoldMillis);
    }

    public PubSubSettings withSessionPoll(int millis) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                defaultPolicy, allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, rateGlobal,
                rateGlobalBurst, ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents, millis,
                messageTimeoutMillis, maxInFlightMessages, blockMaxHoldMillis);
    }

    /** A copy with another bound on how long a {@code block} subscription may hold publishers. */
    public PubSubSettings withBlockMaxHold(int millis) {
        return new PubSubSettings(maxSubscriptionsPerSession, maxMessageBytes, maxSubjectLength, maxSubjectDepth,
                defaultPolicy, allowedPolicies, defaultBudgetBytes, maxBudgetBytes, blockOverflowBytes, rateGlobal,
                rateGlobalBurst, ratePerConnection, ratePerConnectionBurst, ratePrefixes, sysEvents, sessionPollMillis,
                messageTimeoutMillis, maxInFlightMessages, millis);
    }
}
