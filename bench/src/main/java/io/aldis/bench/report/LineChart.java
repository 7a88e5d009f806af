package io.aldis.bench.report;

import java.util.ArrayList;
import java.util.List;

/** Series over time, one line each, against a time axis in seconds; gaps in a series are skipped. */
public final class LineChart {
    /**
     * One series.
     *
     * @param label  its name, in the legend
     * @param values its value at each of the chart's times, NaN where it has none
     */
    public record Series(String label, double[] values) {
    }

    static final double PLOT_HEIGHT = 260;
    static final double PLOT_LEFT = 80;
    static final double PLOT_RIGHT = ChartParts.WIDTH - 40;

    private final double[] seconds;
    private final List<Series> series;
    private final Axis time;
    private final Axis values;

    private LineChart(double[] seconds, List<Series> series) {
        if (seconds.length == 0 || series.isEmpty()) {
            throw new IllegalArgumentException("a line chart needs at least one time and one series");
        }
        double lo = 0;
        double hi = 0;
        for (Series s : series) {
            if (s.values().length != seconds.length) {
                throw new IllegalArgumentException(s.label() + " has " + s.values().length + " values for "
                        + seconds.length + " times");
            }
            for (double v : s.values()) {
                if (!Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double first = seconds[0];
        double last = seconds[0];
        for (double t : seconds) {
            first = Math.min(first, t);
            last = Math.max(last, t);
        }
        this.seconds = seconds.clone();
        this.series = List.copyOf(series);
        this.time = Axis.over(first, last, 8, PLOT_LEFT, PLOT_RIGHT, false);
        this.values = Axis.over(lo, hi, 5, ChartParts.PLOT_TOP + PLOT_HEIGHT, ChartParts.PLOT_TOP);
    }

    /** A chart of {@code series} sampled at {@code seconds}. */
    public static LineChart of(double[] seconds, List<Series> series) {
        return new LineChart(seconds, series);
    }

    /** The x pixel of a time. */
    public double x(double second) {
        return time.pixel(second);
    }

    /** The y pixel of a value. */
    public double y(double value) {
        return values.pixel(value);
    }

    /** The chart as an SVG document; {@code unit} is the values'. */
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
        ChartParts.verticalValueAxis(svg, values, PLOT_LEFT, PLOT_RIGHT, unit);
        for (double t : time.ticks()) {
            svg.line("grid", null, x(t), ChartParts.PLOT_TOP, x(t), bottom, ChartParts.GRID, 1);
            svg.text("tick", x(t), bottom + 16, "middle", ChartParts.TEXT_SIZE - 1, time.label(t));
        }
        svg.text("unit", PLOT_RIGHT, bottom + 34, "end", ChartParts.TEXT_SIZE - 1, "time (s)");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            labels.add(s.label());
            List<Double> xy = new ArrayList<>();
            for (int k = 0; k < seconds.length; k++) {
                if (!Double.isNaN(s.values()[k])) {
                    xy.add(x(seconds[k]));
                    xy.add(y(s.values()[k]));
                }
            }
            svg.polyline("series", s.label(), xy.stream().mapToDouble(d -> d).toArray(), Svg.colour(i), 1.5);
        }
        ChartParts.legend(svg, labels, PLOT_LEFT, legendTop);
        if (source != null) {
            ChartParts.source(svg, source, height - 8);
        }
        return svg.toString();
    }
}
