package io.aldis.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Time runs from x = 80 to 780 over 0 to 20 s; values from y = 334 (zero) up to y = 74 (ten). */
class LineChartTest {
    @Test
    void eachSeriesIsALineThroughItsSamplesSkippingGaps() throws Exception {
        String svg = LineChart.of(new double[] {0, 10, 20}, List.of(
                new LineChart.Series("heap", new double[] {0, 5, 10}),
                new LineChart.Series("threads", new double[] {2, Double.NaN, 4}))).svg("soak", "", "MiB");
        SvgDocument doc = SvgDocument.parse(svg);
        assertEquals("80,334 430,204 780,74", doc.mark("series", "heap").getAttribute("points"));
        assertEquals("80,282 780,230", doc.mark("series", "threads").getAttribute("points"));
        assertEquals(List.of("heap", "threads"), doc.texts("legend"));
        assertEquals(List.of("MiB", "time (s)"), doc.texts("unit"));
    }

    @Test
    void negativeValuesAndTimesNotFromZeroStayOnTheAxes() throws Exception {
        LineChart chart = LineChart.of(new double[] {100, 200}, List.of(new LineChart.Series("d", new double[] {-4, 6})));
        // Axes always hold zero, so 0 to 200 s and -4 to 6 (ticks of 2).
        assertEquals(80 + 0.5 * 700, chart.x(100), 0.05);
        assertEquals(780, chart.x(200), 0.05);
        assertEquals(334, chart.y(-4), 0.05);
        assertEquals(74, chart.y(6), 0.05);
        SvgDocument.parse(chart.svg("t", "s", ""));
    }
}
