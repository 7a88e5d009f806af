package io.aldis.protocol.api.spi.config;

import io.aldis.protocol.api.QuotedText;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The properties of one configuration, read key by key with the checks each key needs.
 *
 * <p>Config Admin hands over the values of a {@code .cfg} file as strings (or as typed values
 * when set through its API); both are accepted. A value that is missing or blank gives the
 * default. The first bad key ends the reading with an {@link InvalidConfigurationException} whose
 * message names where the configuration came from, the key and the value, for example
 * {@code etc/io.aldis.node.cfg: authTimeoutMillis = -10: must be at least 1}. Keys this reader was
 * never asked about are not checked here: see {@link #unknownKeys(Set)}.
 */
public final class ConfigValues {
    /** The property Karaf's file installer sets to the URL of the file a configuration came from. */
    public static final String FILE_PROPERTY = "felix.fileinstall.filename";

    private final Map<String, ?> properties;
    private final String source;

    /**
     * @param properties the configuration's properties (may be empty)
     * @param pid        the PID, named in messages when the configuration did not come from a file
     */
    public ConfigValues(Map<String, ?> properties, String pid) {
        this.properties = properties;
        this.source = sourceOf(properties, pid);
    }

    /** Where the configuration came from: {@code etc/<file>.cfg} when known, else the PID. */
    public String source() {
        return source;
    }

    private static String sourceOf(Map<String, ?> properties, String pid) {
        Object file = properties.get(FILE_PROPERTY);
        if (file != null) {
            String path = file.toString();
            int etc = path.lastIndexOf("/etc/");
            return etc >= 0 ? path.substring(etc + 1) : path;
        }
        // A factory configuration's own PID says which of the factory's it is; a singleton's is the PID again.
        Object ownPid = properties.get("service.pid");
        return ownPid != null && !ownPid.equals(pid) ? pid + " (" + ownPid + ")" : pid;
    }

    /**
     * A rejection of this key's value, in the one-line form. Control characters of the value (a
     * {@code \n} escape in a {@code .cfg} file gives a real line break) are shown escaped, also
     * where the reason quotes it, so that the rejection stays one line of the log.
     */
    public InvalidConfigurationException invalid(String key, Object value, String reason) {
        return new InvalidConfigurationException(source + ": " + key + " = "
                + QuotedText.of(String.valueOf(value), 0) + ": " + QuotedText.of(reason, 0));
    }

    /** A text value; blank gives the default. */
    public String text(String key, String defaultValue) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            return defaultValue;
        }
        return value.toString().strip();
    }

    /** A rate (per second, or a burst): a number, fractions allowed, at least 0, where 0 means no limit. */
    public double rate(String key, double defaultValue) {
        String raw = text(key, null);
        if (raw == null) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "not a number (at least 0; 0 for no limit)");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw invalid(key, raw, "must be at least 0 (0 for no limit)");
        }
        return value;
    }

    /** A whole number within [min, max]. */
    public int integer(String key, int defaultValue, int min, int max) {
        long value = number(key, defaultValue, min, max);
        return (int) value;
    }

    /** A whole number within [min, max], as a long. */
    public long number(String key, long defaultValue, long min, long max) {
        Object raw = properties.get(key);
        if (raw == null || raw.toString().isBlank()) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Number n && !(raw instanceof Double) && !(raw instanceof Float)) {
            value = n.longValue();
        } else {
            try {
                value = Long.parseLong(raw.toString().strip());
            } catch (NumberFormatException e) {
                throw invalid(key, raw, "not a whole number (" + bounds(min, max) + ")");
            }
        }
        if (value < min || value > max) {
            throw invalid(key, raw, "must be " + bounds(min, max));
        }
        return value;
    }

    private static String bounds(long min, long max) {
        return max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
    }

    /** {@code true} or {@code false}, nothing else. */
    public boolean flag(String key, boolean defaultValue) {
        Object raw = properties.get(key);
        if (raw == null || raw.toString().isBlank()) {
            return defaultValue;
        }
        if (raw instanceof Boolean b) {
            return b;
        }
        String text = raw.toString().strip();
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(key, raw, "must be true or false");
    }

    /** One of the given words. */
    public String choice(String key, String defaultValue, Collection<String> allowed) {
        String value = text(key, defaultValue);
        if (!allowed.contains(value)) {
            throw invalid(key, value, "must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    /** A list: an array or collection as Config Admin stores it, or one comma-separated string. */
    public List<String> list(String key, List<String> defaultValue) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        List<String> values = new ArrayList<>();
        if (raw instanceof String[] array) {
            values.addAll(List.of(array));
        } else if (raw instanceof Collection<?> collection) {
            collection.forEach(v -> values.add(String.valueOf(v)));
        } else {
            for (String part : raw.toString().split(",")) {
                values.add(part);
            }
        }
        List<String> cleaned = values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
        return cleaned.isEmpty() ? defaultValue : cleaned;
    }

    /**
     * The keys of the configuration that are not among the known ones (nor set by the framework),
     * so a misspelt key can be reported instead of being silently ignored.
     */
    public List<String> unknownKeys(Set<String> known) {
        // osgi.ds.* keys are added by Declarative Services itself (the satisfying-condition target).
        return properties.keySet().stream()
                .filter(k -> !known.contains(k))
                .filter(k -> !k.startsWith("service.") && !k.startsWith("felix.") && !k.startsWith("component.")
                        && !k.startsWith("osgi.ds.") && !k.startsWith("aldis.") && !k.equals("objectClass"))
                .sorted()
                .toList();
    }

    /**
     * Logs one warning per unknown key ({@link #unknownKeys}), naming the file, the key and the
     * keys there are, and returns the keys it warned about.
     */
    public List<String> warnUnknownKeys(Set<String> known, System.Logger log) {
        List<String> unknown = unknownKeys(known);
        for (String key : unknown) {
            log.log(System.Logger.Level.WARNING, "{0}: unknown key {1} is ignored (the keys are {2})", source(),
                    QuotedText.of(key, 0),
                    String.join(", ", new java.util.TreeSet<>(known)));
        }
        return unknown;
    }
}
