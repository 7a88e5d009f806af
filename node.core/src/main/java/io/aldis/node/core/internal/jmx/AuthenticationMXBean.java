package io.aldis.node.core.internal.jmx;

/** JMX view of the node's authentication attempts ({@code io.aldis:type=authentication,name=<node name>}). */
public interface AuthenticationMXBean {
    /** Attempts whose verdict was given, since the node started. */
    long getJudgedAttempts();

    /** Judged attempts that failed (wrong password, unknown user, bad proof). */
    long getFailedAttempts();

    /** Attempts that waited for their turn or came while their user or address had failed lately. */
    long getThrottledAttempts();

    /** Attempts refused unjudged because their turn would have come too late. */
    long getRefusedAttempts();
}
