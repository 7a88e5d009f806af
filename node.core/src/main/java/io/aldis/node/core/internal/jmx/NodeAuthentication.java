package io.aldis.node.core.internal.jmx;

import io.aldis.node.core.internal.Node;

/** The {@link AuthenticationMXBean} over a node's throttle and failure counts. */
public final class NodeAuthentication implements AuthenticationMXBean {
    private final Node node;

    public NodeAuthentication(Node node) {
        this.node = node;
    }

    @Override
    public long getJudgedAttempts() {
        return node.throttleCounts().judged();
    }

    @Override
    public long getFailedAttempts() {
        return node.authenticationFailures();
    }

    @Override
    public long getThrottledAttempts() {
        return node.throttleCounts().throttled();
    }

    @Override
    public long getRefusedAttempts() {
        return node.throttleCounts().refused();
    }
}
