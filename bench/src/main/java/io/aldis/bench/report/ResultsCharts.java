package io.aldis.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one results file into its charts. Two shapes of file are understood (docs/benchmarks.md,
 * "Charts"):
 *
 * <ul>
 *   <li>rounds of a benchmark: columns {@code workload,system,round}, then figures named with their
 *       unit. The first figure that is not a percentile becomes a bar chart of the systems (median
 *       and range over the rounds); the percentile columns ({@code p50 (µs)}, {@code p99.9 (µs)}),
 *       if any, become a latency chart (the median over the rounds of each percentile);</li>
 *   <li>a time series: first column {@code time (s)} (or {@code seconds}), then one column per
 *       series; one line chart per unit among the series.</li>
 * </ul>
 */
public final class ResultsCharts {
    private ResultsCharts() {
    }

    /**
     * The charts of {@code table}, read from the file named {@code fileName}, by the name of the
     * SVG file each should go to (the CSV's name without {@code .csv}, then what the chart shows).
     *
     * @throws CsvFormatException when the table has neither shape, or a figure is not a number
     */
    public static Map<String, String> draw(CsvTable table, String fileName) {
        String base = fileName.endsWith(".csv") ? fileName.substring(0, fileName.length() - 4) : fileName;
        List<String> h = table.header();
        if (h.size() >= 4 && h.get(0).equals("workload") && h.get(1).equals("system") && h.get(2).equals("round")) {
            return rounds(table, fileName, base);
        }
        if (h.size() >= 2 && (h.get(0).equals("time (s)") || h.get(0).equals("seconds"))) {
            return timeSeries(table, fileName, base);
        }
        if (h.size() == 3 && h.get(0).equals("workload")) {
            throw new CsvFormatException(fileName, 1, "no figure after workload,system,round");
        }
        throw new CsvFormatException(fileName, 1, "not a results file: its header must start with"
                + " \"workload,system,round\" (rounds of a benchmark) or \"time (s)\" (a time series), not \""
                + String.join(",", h) + "\"");
    }

    private static Map<String, String> rounds(CsvTable table, String fileName, String base) {
        List<Column> columns = new ArrayList<>();
        for (int c = 3; c < table.header().size(); c++) {
            Column column = Column.parse(table.header().get(c));
            if (column.unit().isEmpty()) {
                throw new CsvFormatException(fileName, 1, "column \"" + table.header().get(c)
                        + "\" names no unit; write it as name (unit), e.g. \"throughput (msg/s)\"");
            }
            columns.add(column);
        }
        int bars = -1;
        List<Integer> percentileColumns = new ArrayList<>();
        for (int k = 0; k < columns.size(); k++) {
            if (!Double.isNaN(columns.get(k).percentile())) {
                percentileColumns.add(k);
                if (!columns.get(k).unit().equals(columns.get(percentileColumns.get(0)).unit())) {
                    throw new CsvFormatException(fileName, 1, "the percentile columns must share one unit, not "
                            + columns.get(percentileColumns.get(0)).unit() + " and " + columns.get(k).unit());
                }
            } else if (bars < 0) {
                bars = k;
            }
        }
        // Rows by workload, then by system, in the order they first appear.
        Map<String, Map<String, List<double[]>>> byWorkload = new LinkedHashMap<>();
        for (int r = 0; r < table.rows().size(); r++) {
            List<String> row = table.rows().get(r);
            double[] figures = new double[columns.size()];
            for (int k = 0; k < columns.size(); k++) {
                figures[k] = number(row.get(k + 3), fileName, r + 2, table.header().get(k + 3));
            }
            byWorkload.computeIfAbsent(row.get(0), w -> new LinkedHashMap<>())
                    .computeIfAbsent(row.get(1), s -> new ArrayList<>()).add(figures);
        }
        if (byWorkload.isEmpty()) {
            throw new CsvFormatException(fileName, "no rows below the header: nothing to draw");
        }
        Map<String, String> charts = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<double[]>>> w : byWorkload.entrySet()) {
            String name = byWorkload.size() == 1 ? base : base + "-" + slug(w.getKey());
            String title = w.getKey().isBlank() ? base : w.getKey();
            if (bars >= 0) {
                charts.put(name + "-" + slug(columns.get(bars).name()) + ".svg",
                        barChart(title, fileName, columns.get(bars), bars, w.getValue()));
            }
            if (!percentileColumns.isEmpty()) {
                charts.put(name + "-latency.svg", latencyChart(title, fileName, columns, percentileColumns, w.getValue()));
            }
        }
        return charts;
    }

    private static String barChart(String title, String fileName, Column column, int index,
            Map<String, List<double[]>> systems) {
        List<BarChart.Bar> bars = new ArrayList<>();
        int mostRounds = 0;
        for (Map.Entry<String, List<double[]>> s : systems.entrySet()) {
            double[] v = s.getValue().stream().mapToDouble(f -> f[index]).filter(d -> !Double.isNaN(d)).sorted().toArray();
            if (v.length > 0) {
                bars.add(new BarChart.Bar(s.getKey(), median(v), v[0], v[v.length - 1],
                        s.getKey().startsWith("Aldis")));
                mostRounds = Math.max(mostRounds, v.length);
            }
        }
        if (bars.isEmpty()) {
            throw new CsvFormatException(fileName, "column \"" + column.name() + " (" + column.unit()
                    + ")\" holds no figure");
        }
        String subtitle = String.format(Locale.ROOT, "%s, median of %d round%s; the line spans the lowest to the"
                + " highest round", column.name(), mostRounds, mostRounds == 1 ? "" : "s");
        return BarChart.of(bars).svg(title, subtitle, column.unit(), fileName);
    }

    private static String latencyChart(String title, String fileName, List<Column> columns, List<Integer> percentiles,
            Map<String, List<double[]>> systems) {
        double[] at = percentiles.stream().mapToDouble(k -> columns.get(k).percentile()).toArray();
        List<PercentileChart.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<double[]>> s : systems.entrySet()) {
            double[] values = new double[at.length];
            boolean any = false;
            for (int i = 0; i < at.length; i++) {
                int k = percentiles.get(i);
                double[] v = s.getValue().stream().mapToDouble(f -> f[k]).filter(d -> !Double.isNaN(d)).sorted().toArray();
                values[i] = v.length == 0 ? Double.NaN : median(v);
                any |= v.length > 0;
            }
            if (any) {
                series.add(new PercentileChart.Series(s.getKey(), values));
            }
        }
        if (series.isEmpty()) {
            throw new CsvFormatException(fileName, "the percentile columns hold no figure");
        }
        String subtitle = "latency by percentile, the median over the rounds of each percentile";
        return PercentileChart.of(at, series).svg(title + ": latency", subtitle, columns.get(percentiles.get(0)).unit(),
                fileName);
    }

    private static Map<String, String> timeSeries(CsvTable table, String fileName, String base) {
        if (table.rows().isEmpty()) {
            throw new CsvFormatException(fileName, "no rows below the header: nothing to draw");
        }
        double[] seconds = new double[table.rows().size()];
        for (int r = 0; r < seconds.length; r++) {
            seconds[r] = number(table.rows().get(r).get(0), fileName, r + 2, table.header().get(0));
            if (Double.isNaN(seconds[r])) {
                throw new CsvFormatException(fileName, r + 2, "the time column is empty");
            }
        }
        Map<String, List<LineChart.Series>> byUnit = new LinkedHashMap<>();
        for (int c = 1; c < table.header().size(); c++) {
            Column column = Column.parse(table.header().get(c));
            double[] values = new double[seconds.length];
            for (int r = 0; r < seconds.length; r++) {
                values[r] = number(table.rows().get(r).get(c), fileName, r + 2, table.header().get(c));
            }
            byUnit.computeIfAbsent(column.unit(), u -> new ArrayList<>()).add(new LineChart.Series(column.name(), values));
        }
        Map<String, String> charts = new LinkedHashMap<>();
        for (Map.Entry<String, List<LineChart.Series>> u : byUnit.entrySet()) {
            String name = byUnit.size() == 1 ? base : base + "-" + (u.getKey().isEmpty() ? "values" : slug(u.getKey()));
            String title = byUnit.size() == 1 || u.getKey().isEmpty() ? base : base + " (" + u.getKey() + ")";
            charts.put(name + ".svg", LineChart.of(seconds, u.getValue()).svg(title, "over time", u.getKey(),
                    fileName));
        }
        return charts;
    }

    /** A figure; an empty cell is a figure the system could not report (NaN). */
    private static double number(String cell, String fileName, int line, String column) {
        String s = cell.trim();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the place
        }
        throw new CsvFormatException(fileName, line, "column \"" + column + "\" holds \"" + cell
                + "\", which is not a number (write 1234.5, no thousands separators; leave it empty if unknown)");
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Lower-case letters and digits, runs of anything else as one hyphen. */
    static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replace("→", "-to-").replace("/", "-per-")
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "chart" : s;
    }
}
