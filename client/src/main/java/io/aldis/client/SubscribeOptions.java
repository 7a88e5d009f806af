package io.aldis.client;

/**
 * Options of a subscription.
 *
 * @param queueGroup  the queue group, or empty for none: among the subscriptions of one group each
 *                    message goes to one member only
 * @param policy      the slow-consumer policy, or {@code null} for the node's default
 * @param budgetBytes the outbound budget in bytes, or 0 for the node's default (the node keeps it
 *                    within the operator's limits)
 */
public record SubscribeOptions(String queueGroup, SlowConsumerPolicy policy, long budgetBytes) {
    private static final SubscribeOptions DEFAULTS = new SubscribeOptions("", null, 0);

    public SubscribeOptions {
        queueGroup = queueGroup == null ? "" : queueGroup;
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("budgetBytes must not be negative: " + budgetBytes);
        }
    }

    /** No queue group, the node's default policy and budget. */
    public static SubscribeOptions defaults() {
        return DEFAULTS;
    }

    public SubscribeOptions withQueueGroup(String group) {
        return new SubscribeOptions(group, policy, budgetBytes);
    }

    public SubscribeOptions withPolicy(SlowConsumerPolicy newPolicy) {
        return new SubscribeOptions(queueGroup, newPolicy, budgetBytes);
    }

    public SubscribeOptions withBudgetBytes(long bytes) {
        return new SubscribeOptions(queueGroup, policy, bytes);
    }
}
