package io.aldis.feature.metrics.internal.figures;

/**
 * One figure an MBean attribute holds, and the metric it becomes.
 *
 * @param attribute the MBean attribute
 * @param key       for an attribute that is a map of counters, the entry; null for a plain number
 * @param metric    the metric name, without the {@code _total} suffix a counter is written with
 * @param kind      counter (only grows while the bean lives) or gauge (a level)
 * @param help      the HELP line: what the figure means, in an operator's words
 */
public record Figure(String attribute, String key, String metric, Kind kind, String help) {
    /** How Prometheus is to read the figure. */
    public enum Kind {
        COUNTER, GAUGE
    }

    static Figure counter(String attribute, String metric, String help) {
        return new Figure(attribute, null, metric, Kind.COUNTER, help);
    }

    static Figure gauge(String attribute, String metric, String help) {
        return new Figure(attribute, null, metric, Kind.GAUGE, help);
    }

    /** A counter held as one entry of a map attribute (the pub/sub feature's {@code Counters}). */
    static Figure counterEntry(String attribute, String key, String metric, String help) {
        return new Figure(attribute, key, metric, Kind.COUNTER, help);
    }

    static Figure gaugeEntry(String attribute, String key, String metric, String help) {
        return new Figure(attribute, key, metric, Kind.GAUGE, help);
    }
}
