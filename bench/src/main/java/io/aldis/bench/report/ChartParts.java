package io.aldis.bench.report;

import java.util.List;

/** The pieces every chart shares: its title lines, a value axis with grid lines, a legend. */
final class ChartParts {
    static final double WIDTH = 820;
    static final double TITLE_SIZE = 15;
    static final double TEXT_SIZE = 12;
    /** Where the plot area starts below the title and subtitle. */
    static final double PLOT_TOP = 74;
    static final double LEGEND_ROW = 18;
    static final String GRID = "#dddddd";
    static final String INK = "#333333";

    private ChartParts() {
    }

    static void titles(Svg svg, String title, String subtitle) {
        svg.text("title", 12, 24, "start", fitting(title, TITLE_SIZE, WIDTH - 24), title, true);
        if (subtitle != null && !subtitle.isBlank()) {
            svg.text("subtitle", 12, 44, "start", fitting(subtitle, TEXT_SIZE - 1, WIDTH - 24), subtitle);
        }
    }

    /** The CSV file a chart was drawn from, small, at the bottom right. */
    static void source(Svg svg, String fileName, double y) {
        String text = "data: " + fileName;
        svg.text("source", WIDTH - 12, y, "end", fitting(text, TEXT_SIZE - 2, WIDTH - 24), text);
    }

    /** {@code size}, or smaller so that {@code text} fits in {@code width}: long workload names stay on the chart. */
    static double fitting(String text, double size, double width) {
        return Math.min(size, Math.floor(width / Math.max(1, text.length()) / 0.6 * 10) / 10);
    }

    /** Grid lines across the plot at the ticks of a vertical value axis, their labels at the left, the unit above them. */
    static void verticalValueAxis(Svg svg, Scale axis, double left, double right, String unit) {
        for (double t : axis.ticks()) {
            double y = axis.pixel(t);
            svg.line("grid", null, left, y, right, y, t == axis.origin() ? INK : GRID, 1);
            svg.text("tick", left - 6, y + 4, "end", TEXT_SIZE - 1, axis.label(t));
        }
        if (unit != null && !unit.isBlank()) {
            svg.text("unit", 12, PLOT_TOP - 14, "start", TEXT_SIZE - 1, unit);
        }
    }

    /** Grid lines down the plot at the ticks of a horizontal value axis, their labels below, the unit after them. */
    static void horizontalValueAxis(Svg svg, Axis axis, double top, double bottom, String unit) {
        List<Double> ticks = axis.ticks();
        for (double t : ticks) {
            double x = axis.pixel(t);
            svg.line("grid", null, x, top, x, bottom, t == 0 ? INK : GRID, 1);
            svg.text("tick", x, bottom + 16, "middle", TEXT_SIZE - 1, axis.label(t));
        }
        if (unit != null && !unit.isBlank()) {
            svg.text("unit", axis.pixel(ticks.get(ticks.size() - 1)), bottom + 34, "end", TEXT_SIZE - 1, unit);
        }
    }

    /** One row per label, a swatch in the label's colour first, from {@code top} down. */
    static void legend(Svg svg, List<String> labels, double left, double top) {
        for (int i = 0; i < labels.size(); i++) {
            double y = top + i * LEGEND_ROW;
            svg.rect("swatch", labels.get(i), left, y - 10, 14, 10, Svg.colour(i));
            svg.text("legend", left + 20, y, "start", TEXT_SIZE, labels.get(i));
        }
    }

    /** An approximate width of text in the chart font, enough to leave room for labels. */
    static double textWidth(String text, double size) {
        return text.length() * size * 0.6;
    }
}
