package io.aldis.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * Percentiles sit at log10(1 / (1 − p)) across the plot (x = 80 to 780), latencies on a linear
 * axis from zero (y = 334) up (y = 74).
 */
class PercentileChartTest {
    private static final double LEFT = 80;
    private static final double RIGHT = 780;
    private static final double BOTTOM = 334;
    private static final double TOP = 74;

    private static double expectedX(double p) {
        double first = Math.log10(100 / 50.0);
        double last = Math.log10(100 / 0.1);
        return LEFT + (Math.log10(100 / (100 - p)) - first) / (last - first) * (RIGHT - LEFT);
    }

    private final double[] percentiles = {50, 90, 99, 99.9};
    private final String svg = PercentileChart.of(percentiles, List.of(
            new PercentileChart.Series("A", new double[] {100, Double.NaN, 200, Double.NaN}),
            new PercentileChart.Series("B", new double[] {20, 40, 80, 160}))).svg("calls", "", "µs");

    @Test
    void pointsSitAtTheirPercentileAndLatency() throws Exception {
        SvgDocument doc = SvgDocument.parse(svg);
        List<Element> b = doc.marks("point", "B");
        assertEquals(4, b.size());
        double[] latencies = {20, 40, 80, 160};
        for (int k = 0; k < 4; k++) {
            assertEquals(expectedX(percentiles[k]), SvgDocument.number(b.get(k), "cx"), 0.05, "x of p" + percentiles[k]);
            // The axis runs 0 to 200 (ticks of 50).
            assertEquals(BOTTOM - latencies[k] / 200 * (BOTTOM - TOP), SvgDocument.number(b.get(k), "cy"), 0.05);
        }
        assertEquals(LEFT, expectedX(50), 1e-9);
        assertEquals(RIGHT, expectedX(99.9), 1e-9);
    }

    @Test
    void aPercentileASystemDoesNotReportIsLeftOutOfItsLine() throws Exception {
        SvgDocument doc = SvgDocument.parse(svg);
        assertEquals(2, doc.marks("point", "A").size());
        assertEquals(String.format(java.util.Locale.ROOT, "80,204 %s,74", Svg.n(expectedX(99))),
                doc.mark("series", "A").getAttribute("points"));
    }

    @Test
    void theLegendNamesEverySeriesInItsColourAndTheTicksNameThePercentiles() throws Exception {
        SvgDocument doc = SvgDocument.parse(svg);
        assertEquals(List.of("A", "B"), doc.texts("legend"));
        assertEquals(Svg.colour(1), doc.mark("swatch", "B").getAttribute("fill"));
        assertEquals(Svg.colour(1), doc.mark("series", "B").getAttribute("stroke"));
        assertEquals(List.of("0", "50", "100", "150", "200", "p50", "p90", "p99", "p99.9"), doc.texts("tick"));
    }

    @Test
    void aTailManyTimesTheMiddleGoesOnALogarithmicAxisOfWholeDecades() throws Exception {
        PercentileChart chart = PercentileChart.of(percentiles,
                List.of(new PercentileChart.Series("A", new double[] {15, 100, 1000, 8000})));
        // 15 to 8000: more than 20 times, so 10 to 10 000, three decades of equal height.
        assertEquals(true, chart.logarithmic());
        SvgDocument doc = SvgDocument.parse(chart.svg("calls", "", "µs"));
        List<Element> a = doc.marks("point", "A");
        double decade = (BOTTOM - TOP) / 3;
        assertEquals(BOTTOM - decade, SvgDocument.number(a.get(1), "cy"), 0.05);
        assertEquals(BOTTOM - 2 * decade, SvgDocument.number(a.get(2), "cy"), 0.05);
        assertEquals(BOTTOM - Math.log10(1.5) * decade, SvgDocument.number(a.get(0), "cy"), 0.05);
        assertEquals(List.of("10", "100", "1k", "10k", "p50", "p90", "p99", "p99.9"), doc.texts("tick"));
        assertEquals(List.of("µs (logarithmic)", "percentile"), doc.texts("unit"));

        assertEquals(false, PercentileChart.of(percentiles,
                List.of(new PercentileChart.Series("B", new double[] {0, 100, 1000, 8000}))).logarithmic(),
                "a zero latency cannot go on a logarithmic axis");
    }
}
