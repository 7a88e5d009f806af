package io.aldis.node.core.internal.jmx;

import java.util.List;

/** JMX view of the listeners of every transport ({@code io.aldis:type=listeners,name=<node name>}). */
public interface ListenersMXBean {
    /** The listeners, with the settings in force and what is wrong with them, if anything. */
    List<ListenerRow> getListeners();
}
