package io.aldis.node.core.internal.jmx;

import java.util.List;

/** JMX view of the node's sessions ({@code io.aldis:type=sessions,name=<node name>}), one row each. */
public interface SessionsMXBean {
    /** The open sessions, oldest first. */
    List<SessionRow> getSessions();
}
