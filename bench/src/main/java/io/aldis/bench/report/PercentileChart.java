package io.aldis.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Latency by percentile, one line per system. Percentiles are placed by how rare they are
 * (log10 of 1 / (1 − p)), as latency plots usually are: p50, p90, p99 and p99.9 fall at even
 * steps, so the tail gets as much room as the middle. Latencies go on a linear axis from zero, or
 * on a logarithmic one when the largest is more than {@link #LOG_SPAN} times the smallest.
 */
public final class PercentileChart {
    /**
     * One system's latencies.
     *
     * @param label  the system's name, in the legend
     * @param values the latency at each of the chart's percentiles, NaN where the system has none
     */
    public record Series(String label, double[] values) {
    }

    static final double PLOT_HEIGHT = 260;
    static final double PLOT_LEFT = 80;
    static final double PLOT_RIGHT = ChartParts.WIDTH - 40;
    /** Beyond this ratio of the largest to the smallest latency, a linear axis would flatten all but the worst line. */
    static final double LOG_SPAN = 20;

    private final double[] percentiles;
    private final List<Series> series;
    private final Scale values;
    private final boolean logarithmic;
    private final double rarestPosition;
    private final double commonestPosition;

    private PercentileChart(double[] percentiles, List<Series> series) {
        if (percentiles.length == 0 || series.isEmpty()) {
            throw new IllegalArgumentException("a percentile chart needs at least one percentile and one series");
        }
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Series s : series) {
            if (s.values().length != percentiles.length) {
                throw new IllegalArgumentException(s.label() + " has " + s.values().length + " values for "
                        + percentiles.length + " percentiles");
            }
            for (double v : s.values()) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        double lowest = Double.MAX_VALUE;
        double highest = -Double.MAX_VALUE;
        for (double p : percentiles) {
            if (!(p > 0 && p < 100)) {
                throw new IllegalArgumentException("a percentile lies between 0 and 100, not " + p);
            }
            lowest = Math.min(lowest, position(p));
            highest = Math.max(highest, position(p));
        }
        this.percentiles = percentiles.clone();
        this.series = List.copyOf(series);
        this.commonestPosition = lowest;
        this.rarestPosition = highest;
        this.logarithmic = min > 0 && max > LOG_SPAN * min;
        this.values = logarithmic ? LogAxis.over(min, max, ChartParts.PLOT_TOP + PLOT_HEIGHT, ChartParts.PLOT_TOP)
                : Axis.over(0, max, 5, ChartParts.PLOT_TOP + PLOT_HEIGHT, ChartParts.PLOT_TOP);
    }

    /** A chart of {@code series} at {@code percentiles} (each between 0 and 100, exclusive). */
    public static PercentileChart of(double[] percentiles, List<Series> series) {
        return new PercentileChart(percentiles, series);
    }

    private static double position(double percentile) {
        return Math.log10(100 / (100 - percentile));
    }

    /** The x pixel of a percentile. */
    public double x(double percentile) {
        if (rarestPosition == commonestPosition) {
            return (PLOT_LEFT + PLOT_RIGHT) / 2;
        }
        return PLOT_LEFT + (position(percentile) - commonestPosition) / (rarestPosition - commonestPosition)
                * (PLOT_RIGHT - PLOT_LEFT);
    }

    /** Whether the latencies are drawn on a logarithmic axis. */
    public boolean logarithmic() {
        return logarithmic;
    }

    /** The y pixel of a latency. */
    public double y(double value) {
        return values.pixel(value);
    }

    /** The chart as an SVG document; {@code unit} is the latencies'. */
    public String svg(String title, String subtitle, String unit) {
        return svg(title, subtitle, unit, null);
    }

    /** As {@link #svg(String, String, String)}, naming the file the figures come from at the bottom, unless null. */
    public String svg(String title, String subtitle, String unit, String source) {
        double bottom = ChartParts.PLOT_TOP + PLOT_HEIGHT;
        double legendTop = bottom + 48;
        double height = legendTop + series.size() * ChartParts.LEGEND_ROW + (source == null ? 0 : 14);
        Svg svg = new Svg(ChartParts.WIDTH, height);
        ChartParts.titles(svg, title, subtitle);
        ChartParts.verticalValueAxis(svg, values, PLOT_LEFT, PLOT_RIGHT,
                logarithmic ? unit + " (logarithmic)" : unit);
        for (double p : percentiles) {
            svg.line("grid", null, x(p), ChartParts.PLOT_TOP, x(p), bottom, ChartParts.GRID, 1);
            svg.text("tick", x(p), bottom + 16, "middle", ChartParts.TEXT_SIZE - 1, name(p));
        }
        svg.text("unit", PLOT_RIGHT, bottom + 34, "end", ChartParts.TEXT_SIZE - 1, "percentile");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            labels.add(s.label());
            List<Double> xy = new ArrayList<>();
            for (int k = 0; k < percentiles.length; k++) {
                if (!Double.isNaN(s.values()[k])) {
                    xy.add(x(percentiles[k]));
                    xy.add(y(s.values()[k]));
                }
            }
            svg.polyline("series", s.label(), xy.stream().mapToDouble(d -> d).toArray(), Svg.colour(i), 2);
            for (int k = 0; k + 1 < xy.size(); k += 2) {
                svg.circle("point", s.label(), xy.get(k), xy.get(k + 1), 3.5, Svg.colour(i));
            }
        }
        ChartParts.legend(svg, labels, PLOT_LEFT, legendTop);
        if (source != null) {
            ChartParts.source(svg, source, height - 8);
        }
        return svg.toString();
    }

    /** p50, p99.9: how the results files name a percentile. */
    static String name(double percentile) {
        String s = String.format(Locale.ROOT, "%.4f", percentile).replaceAll("0+$", "").replaceAll("\\.$", "");
        return "p" + s;
    }
}
