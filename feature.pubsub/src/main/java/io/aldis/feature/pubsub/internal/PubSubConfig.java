package io.aldis.feature.pubsub.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the pub/sub feature, PID {@code io.aldis.pubsub}; every value applies live. */
@ObjectClassDefinition(name = "Aldis publish/subscribe", description = "Subjects, limits, rate limits and slow-consumer policies")
public @interface PubSubConfig {
    @AttributeDefinition(description = "Most subscriptions one session may hold")
    int maxSubscriptionsPerSession() default 10_000;

    @AttributeDefinition(description = "Largest message accepted: payload plus headers, in bytes")
    int maxMessageBytes() default 1_048_576;

    @AttributeDefinition(description = "Longest subject or pattern, in characters")
    int maxSubjectLength() default 256;

    @AttributeDefinition(description = "Most tokens in a subject or pattern")
    int maxSubjectDepth() default 16;

    @AttributeDefinition(description = "Slow-consumer policy of subscriptions that choose none: block, drop-oldest, drop-newest or disconnect")
    String defaultPolicy() default "disconnect";

    @AttributeDefinition(description = "Policies subscribers may choose")
    String[] allowedPolicies() default {"block", "drop-oldest", "drop-newest", "disconnect"};

    @AttributeDefinition(description = "Outbound budget of subscriptions that choose none, in bytes")
    int defaultBudgetBytes() default 1_048_576;

    @AttributeDefinition(description = "Largest outbound budget a subscription may ask for, in bytes; larger requests are lowered to it")
    int maxBudgetBytes() default 16_777_216;

    @AttributeDefinition(description = "Bytes a 'block' subscription may queue past its budget while its publishers pause; beyond it the subscriber is disconnected")
    int blockOverflowBytes() default 4_194_304;

    @AttributeDefinition(description = "How long, in ms, a 'block' subscription may keep publishers paused without a break; past it the subscriber is disconnected as a slow consumer")
    int blockMaxHoldMillis() default 10_000;

    @AttributeDefinition(description = "Messages per second published by all clients together; 0 for no limit")
    double rateGlobal() default 0;

    @AttributeDefinition(description = "Burst of the global rate limit, in messages")
    double rateGlobalBurst() default 0;

    @AttributeDefinition(description = "Messages per second one connection may publish; 0 for no limit")
    double ratePerConnection() default 0;

    @AttributeDefinition(description = "Burst of the per-connection rate limit, in messages")
    double ratePerConnectionBurst() default 0;

    @AttributeDefinition(description = "Rate limits per subject prefix, each 'prefix=rate' or 'prefix=rate/burst' (messages per second across all clients), e.g. 'sensors.raw=1000/2000'")
    String[] ratePrefixes() default {};

    @AttributeDefinition(description = "Whether the node publishes its events on $sys subjects")
    boolean sysEvents() default true;

    @AttributeDefinition(description = "How long a typed message may wait for its handler's reply, in milliseconds")
    int messageTimeoutMillis() default 30_000;

    @AttributeDefinition(description = "Most typed messages one session may have waiting for replies")
    int maxInFlightMessages() default 256;
}
