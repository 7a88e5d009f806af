package io.aldis.feature.metrics.internal.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.management.JMException;
import javax.management.JMRuntimeException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * Reads the attributes of MBeans that come and go with their bundles: a bean or attribute that
 * is missing, or whose getter fails while its feature stops, reads as absent instead of failing
 * the scrape.
 */
public final class MBeanReader {
    private final MBeanServer server;

    public MBeanReader(MBeanServer server) {
        this.server = server;
    }

    /** The beans matching a pattern, in name order. */
    public List<ObjectName> beans(String pattern) {
        try {
            return new ArrayList<>(new TreeSet<>(server.queryNames(new ObjectName(pattern), null)));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("bad object name pattern " + pattern, e);
        }
    }

    /** The attribute's value, or null when the bean or attribute is gone or its getter failed. */
    public Object attribute(ObjectName bean, String attribute) {
        try {
            return server.getAttribute(bean, attribute);
        } catch (JMException | JMRuntimeException gone) {
            return null;
        }
    }

    /** A numeric attribute, or an entry of a map attribute when {@code key} is given; null when absent. */
    public Number number(ObjectName bean, String attribute, String key) {
        Object value = attribute(bean, attribute);
        if (key != null) {
            value = value instanceof TabularData table ? entries(table).get(key) : null;
        }
        return value instanceof Number n ? n : null;
    }

    /** The rows of an attribute that is a list of composites; empty when absent. */
    public List<CompositeData> rows(ObjectName bean, String attribute) {
        Object value = attribute(bean, attribute);
        if (!(value instanceof CompositeData[] rows)) {
            return List.of();
        }
        return List.of(rows);
    }

    /** A map attribute as an MXBean hands it over: a table of key and value composites. */
    private static Map<Object, Object> entries(TabularData table) {
        Map<Object, Object> entries = new TreeMap<>();
        for (Object row : table.values()) {
            CompositeData entry = (CompositeData) row;
            entries.put(entry.get("key"), entry.get("value"));
        }
        return entries;
    }
}
