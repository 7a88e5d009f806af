package io.aldis.node.core.internal.jmx;

import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.StandardMBean;

/** An MXBean whose JMX consoles show a description of the bean and of each attribute. */
final class DescribedMXBean<T> extends StandardMBean {
    private final String description;
    private final Map<String, String> attributes;

    DescribedMXBean(T implementation, Class<T> type, String description, Map<String, String> attributes) {
        super(implementation, type, true);
        this.description = description;
        this.attributes = attributes;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return description;
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return attributes.getOrDefault(info.getName(), info.getDescription());
    }
}
