package io.aldis.itest.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws the soak's samples as an SVG of four panels over time (heap after GC; direct memory;
 * threads and file descriptors; sessions, streams and transfers), the churn shaded, so that a
 * reader sees at a glance whether the lines stay flat.
 */
final class SoakChart {
    private static final int WIDTH = 900;
    private static final int PANEL_HEIGHT = 170;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 62;
    private static final int GAP = 52;
    private static final double MIB = 1024 * 1024;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#ff7f0e", "#2ca02c"};

    private record Series(String name, ToDoubleFunction<Sample> value) {
    }

    private record Panel(String title, List<Series> series) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("Heap after full GC (MiB)", List.of(new Series("heap", s -> s.heapAfterGc() / MIB))),
            new Panel("Direct memory (MiB)", List.of(
                    new Series("JVM direct buffers", s -> s.jvmDirect() / MIB),
                    new Series("Netty direct", s -> Math.max(0, s.nettyDirect()) / MIB))),
            new Panel("Threads and open file descriptors", List.of(
                    new Series("threads", Sample::threads),
                    new Series("file descriptors", Sample::openFds))),
            new Panel("Open sessions, streams, transfers", List.of(
                    new Series("sessions", Sample::sessions),
                    new Series("streams", Sample::streams),
                    new Series("streams to resume", Sample::streamsAwaitingResume),
                    new Series("transfers", Sample::transfers))));

    private SoakChart() {
    }

    static void write(List<Sample> samples, String title, Path file) throws IOException {
        int height = TOP + PANELS.size() * (PANEL_HEIGHT + GAP) + 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        double end = samples.get(samples.size() - 1).seconds();
        for (int p = 0; p < PANELS.size(); p++) {
            drawPanel(svg, PANELS.get(p), samples, end, TOP + p * (PANEL_HEIGHT + GAP));
        }
        svg.append("</svg>\n");
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    private static void drawPanel(StringBuilder svg, Panel panel, List<Sample> samples, double end, int top) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        double max = 0;
        for (Series s : panel.series()) {
            for (Sample sample : samples) {
                max = Math.max(max, s.value().applyAsDouble(sample));
            }
        }
        double yMax = niceCeiling(max);
        int bottom = top + PANEL_HEIGHT;
        // The churn, shaded.
        List<Sample> churn = Sample.of(samples, Sample.Phase.CHURN);
        if (!churn.isEmpty()) {
            double from = x(churn.get(0).seconds(), end, plotWidth);
            double to = x(churn.get(churn.size() - 1).seconds(), end, plotWidth);
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f2f2f2\"/>%n", from, top, to - from,
                    PANEL_HEIGHT));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", LEFT, top - 6,
                escape(panel.title())));
        // Axes with a few ticks.
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT,
                bottom, LEFT + plotWidth, bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT,
                top, LEFT, bottom));
        for (int i = 0; i <= 4; i++) {
            double value = yMax * i / 4;
            double y = bottom - PANEL_HEIGHT * i / 4.0;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT, y, LEFT + plotWidth, y, LEFT - 6, y + 4, label(value)));
        }
        double step = niceCeiling(end / 6);
        for (double seconds = 0; seconds <= end; seconds += step) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x(seconds, end, plotWidth), bottom + 15, label(seconds)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">seconds</text>%n",
                LEFT + plotWidth, bottom + 30));
        for (int i = 0; i < panel.series().size(); i++) {
            Series series = panel.series().get(i);
            StringBuilder points = new StringBuilder();
            for (Sample sample : samples) {
                double y = bottom - PANEL_HEIGHT * series.value().applyAsDouble(sample) / yMax;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(sample.seconds(), end, plotWidth), y));
            }
            svg.append(String.format(Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", COLOURS[i],
                    points.toString().trim()));
            int legendY = top + 14 + 18 * i;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    LEFT + plotWidth + 12, legendY - 4, LEFT + plotWidth + 30, legendY - 4, COLOURS[i],
                    LEFT + plotWidth + 36, legendY, escape(series.name())));
        }
    }

    private static double x(double seconds, double end, int plotWidth) {
        return LEFT + (end <= 0 ? 0 : plotWidth * seconds / end);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code max} (and at least 1). */
    private static double niceCeiling(double max) {
        if (max <= 1) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= max) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String label(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
