package io.aldis.bench.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A figure's column header, {@code name (unit)}: {@code throughput (msg/s)}, {@code p99 (µs)}.
 *
 * @param name what the column holds
 * @param unit its unit, empty when the header names none
 */
record Column(String name, String unit) {
    private static final Pattern WITH_UNIT = Pattern.compile("^(.*?)\\s*\\(([^()]+)\\)$");
    private static final Pattern PERCENTILE = Pattern.compile("^p(\\d{1,2}(\\.\\d+)?)$");

    static Column parse(String header) {
        Matcher m = WITH_UNIT.matcher(header.trim());
        if (m.matches() && !m.group(1).isBlank()) {
            return new Column(m.group(1), m.group(2).trim());
        }
        return new Column(header.trim(), "");
    }

    /** The percentile this column holds (50 for {@code p50}, 99.9 for {@code p99.9}), or NaN for another figure. */
    double percentile() {
        Matcher m = PERCENTILE.matcher(name);
        if (!m.matches()) {
            return Double.NaN;
        }
        double p = Double.parseDouble(m.group(1));
        return p > 0 && p < 100 ? p : Double.NaN;
    }
}
