package io.aldis.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * A bar chart of known figures puts each bar, range line and figure where the scale says. The
 * plot spans x = 120 (short labels get the narrowest label column) to x = 724 (the chart's 820
 * pixels less the room for the figures); the figures below make an axis of 0 to 100.
 */
class BarChartTest {
    private static final double ZERO = 120;
    private static final double HUNDRED = 724;

    private static double x(double value) {
        return ZERO + value / 100 * (HUNDRED - ZERO);
    }

    private final String svg = BarChart.of(List.of(new BarChart.Bar("A", 50, 40, 60, true),
            new BarChart.Bar("B", 100, 90, 100, false))).svg("Throughput", "median of 3 rounds", "msg/s");

    @Test
    void barsReachTheirMedianFromZero() throws Exception {
        SvgDocument doc = SvgDocument.parse(svg);
        Element a = doc.mark("bar", "A");
        Element b = doc.mark("bar", "B");
        assertEquals(ZERO, SvgDocument.number(a, "x"), 0.05);
        assertEquals(x(50) - ZERO, SvgDocument.number(a, "width"), 0.05);
        assertEquals(x(100) - ZERO, SvgDocument.number(b, "width"), 0.05);
        assertEquals(SvgDocument.number(a, "y") + BarChart.BAR_PITCH, SvgDocument.number(b, "y"), 0.05,
                "bars follow each other in the given order");
    }

    @Test
    void theRangeLineSpansTheLowestToTheHighestRound() throws Exception {
        Element range = SvgDocument.parse(svg).mark("range", "A");
        assertEquals(x(40), SvgDocument.number(range, "x1"), 0.05);
        assertEquals(x(60), SvgDocument.number(range, "x2"), 0.05);
    }

    @Test
    void theNodeIsDrawnInTheSecondColourAndEveryFigureIsWritten() throws Exception {
        SvgDocument doc = SvgDocument.parse(svg);
        assertEquals(Svg.colour(1), doc.mark("bar", "A").getAttribute("fill"));
        assertEquals(Svg.colour(0), doc.mark("bar", "B").getAttribute("fill"));
        assertEquals(List.of("50.0", "100"), doc.texts("figure"));
        assertEquals(List.of("A", "B"), doc.texts("label"));
        assertEquals(List.of("0", "20", "40", "60", "80", "100"), doc.texts("tick"));
        assertEquals(List.of("msg/s"), doc.texts("unit"));
        assertEquals(List.of("Throughput"), doc.texts("title"));
    }

    @Test
    void namesWithMarkupCharactersStayText() throws Exception {
        String drawn = BarChart.of(List.of(new BarChart.Bar("<Aldis> & \"peers\"", 1, 1, 1, false))).svg("t", "", "x");
        assertEquals("<Aldis> & \"peers\"", SvgDocument.parse(drawn).mark("bar", "<Aldis> & \"peers\"")
                .getAttribute("data-label"));
    }

    @Test
    void aMedianOutsideItsRangeOrNoBarsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BarChart.Bar("A", 70, 40, 60, false));
        assertThrows(IllegalArgumentException.class, () -> BarChart.of(List.of()));
    }
}
