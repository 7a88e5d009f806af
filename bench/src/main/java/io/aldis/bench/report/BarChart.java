package io.aldis.bench.report;

import java.util.List;

/**
 * Horizontal bars, one per system: the bar reaches the median of the rounds, a line across it
 * spans their minimum to maximum, and the median is written after it. Bars grow from zero.
 */
public final class BarChart {
    /**
     * One system's figures.
     *
     * @param label       the system's name, written left of its bar
     * @param median      the bar's length
     * @param min         the low end of the range line
     * @param max         the high end of the range line
     * @param highlighted drawn in the second colour (the node, among its peers)
     */
    public record Bar(String label, double median, double min, double max, boolean highlighted) {
        public Bar {
            if (!(min <= median && median <= max)) {
                throw new IllegalArgumentException(label + ": the median " + median + " is not within min " + min
                        + " and max " + max);
            }
        }
    }

    static final double BAR_HEIGHT = 20;
    static final double BAR_PITCH = 30;
    /** Room right of the plot for the longest figure. */
    static final double FIGURE_ROOM = 96;

    private final double plotLeft;
    private final double plotRight;
    private final Axis axis;
    private final List<Bar> bars;

    private BarChart(List<Bar> bars) {
        if (bars.isEmpty()) {
            throw new IllegalArgumentException("a bar chart needs at least one bar");
        }
        this.bars = List.copyOf(bars);
        double longest = 0;
        double top = 0;
        for (Bar b : bars) {
            longest = Math.max(longest, ChartParts.textWidth(b.label(), ChartParts.TEXT_SIZE));
            top = Math.max(top, b.max());
        }
        this.plotLeft = Math.min(420, Math.max(120, longest + 20));
        this.plotRight = ChartParts.WIDTH - FIGURE_ROOM;
        this.axis = Axis.over(0, top, 5, plotLeft, plotRight);
    }

    /** Lays out {@code bars} (top to bottom in this order). */
    public static BarChart of(List<Bar> bars) {
        return new BarChart(bars);
    }

    /** The x pixel a value reaches. */
    public double x(double value) {
        return axis.pixel(value);
    }

    /** The top y pixel of the {@code index}th bar. */
    public double barTop(int index) {
        return ChartParts.PLOT_TOP + index * BAR_PITCH + (BAR_PITCH - BAR_HEIGHT) / 2;
    }

    /** The chart as an SVG document. */
    public String svg(String title, String subtitle, String unit) {
        return svg(title, subtitle, unit, null);
    }

    /** As {@link #svg(String, String, String)}, naming the file the figures come from at the bottom, unless null. */
    public String svg(String title, String subtitle, String unit, String source) {
        double bottom = ChartParts.PLOT_TOP + bars.size() * BAR_PITCH;
        double height = bottom + 44 + (source == null ? 0 : 14);
        Svg svg = new Svg(ChartParts.WIDTH, height);
        ChartParts.titles(svg, title, subtitle);
        ChartParts.horizontalValueAxis(svg, axis, ChartParts.PLOT_TOP, bottom, unit);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = barTop(i);
            double middle = y + BAR_HEIGHT / 2;
            svg.text("label", plotLeft - 8, middle + 4, "end", ChartParts.TEXT_SIZE, b.label());
            svg.rect("bar", b.label(), x(0), y, x(b.median()) - x(0), BAR_HEIGHT,
                    Svg.colour(b.highlighted() ? 1 : 0));
            svg.line("range", b.label(), x(b.min()), middle, x(b.max()), middle, ChartParts.INK, 1.5);
            svg.line("range-end", b.label(), x(b.min()), middle - 5, x(b.min()), middle + 5, ChartParts.INK, 1.5);
            svg.line("range-end", b.label(), x(b.max()), middle - 5, x(b.max()), middle + 5, ChartParts.INK, 1.5);
            svg.text("figure", Math.max(x(b.max()), x(b.median())) + 6, middle + 4, "start", ChartParts.TEXT_SIZE,
                    Axis.figure(b.median()));
        }
        if (source != null) {
            ChartParts.source(svg, source, height - 8);
        }
        return svg.toString();
    }
}
