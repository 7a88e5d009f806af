package io.aldis.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which charts a results file gives, drawn from which figures, and what a file that cannot be drawn says. */
class ResultsChartsTest {
    private static Map<String, String> draw(String csv) {
        return ResultsCharts.draw(CsvTable.parse(csv, "messaging-rpc.csv"), "messaging-rpc.csv");
    }

    @Test
    void roundsGiveABarOfTheMedianAndRangeAndALatencyLineOfTheMedianPerPercentile() throws Exception {
        Map<String, String> charts = draw("""
                workload,system,round,throughput (calls/s),p50 (µs),p99 (µs)
                rpc,Aldis,1,300,10,40
                rpc,Aldis,2,100,30,80
                rpc,Aldis,3,120,20,60
                rpc,gRPC,1,50,5,
                rpc,gRPC,2,70,7,
                """);
        assertEquals(List.of("messaging-rpc-throughput.svg", "messaging-rpc-latency.svg"), List.copyOf(charts.keySet()));

        BarChart expected = BarChart.of(List.of(new BarChart.Bar("Aldis", 120, 100, 300, true),
                new BarChart.Bar("gRPC", 60, 50, 70, false)));
        SvgDocument bars = SvgDocument.parse(charts.get("messaging-rpc-throughput.svg"));
        assertEquals(expected.x(120) - expected.x(0), SvgDocument.number(bars.mark("bar", "Aldis"), "width"), 0.05,
                "the bar is the median round, not the mean or the last");
        assertEquals(expected.x(300), SvgDocument.number(bars.mark("range", "Aldis"), "x2"), 0.05);
        assertEquals(expected.x(60) - expected.x(0), SvgDocument.number(bars.mark("bar", "gRPC"), "width"), 0.05,
                "the median of an even number of rounds is the mean of the middle two");
        assertEquals(List.of("rpc"), bars.texts("title"));

        SvgDocument lines = SvgDocument.parse(charts.get("messaging-rpc-latency.svg"));
        assertEquals(2, lines.marks("point", "Aldis").size());
        assertEquals(1, lines.marks("point", "gRPC").size(), "gRPC reports no p99");
        assertEquals(List.of("rpc: latency"), lines.texts("title"));
    }

    @Test
    void aTimeSeriesGivesOneLineChartPerUnit() throws Exception {
        Map<String, String> charts = ResultsCharts.draw(CsvTable.parse("""
                time (s),heap (MiB),direct (MiB),sessions
                0,10,1,100
                60,12,,100
                """, "soak.csv"), "soak.csv");
        assertEquals(List.of("soak-mib.svg", "soak-values.svg"), List.copyOf(charts.keySet()));
        SvgDocument mib = SvgDocument.parse(charts.get("soak-mib.svg"));
        assertEquals(List.of("heap", "direct"), mib.texts("legend"));
        assertEquals(1, mib.mark("series", "direct").getAttribute("points").split(" ").length);
        assertEquals(List.of("sessions"), SvgDocument.parse(charts.get("soak-values.svg")).texts("legend"));

        assertEquals(List.of("flat.svg"), List.copyOf(ResultsCharts.draw(
                CsvTable.parse("seconds,a (x)\n1,2\n", "flat.csv"), "flat.csv").keySet()));
    }

    @Test
    void badFilesSayWhatIsWrongAndWhere() {
        assertEquals("messaging-rpc.csv, line 3: column \"throughput (calls/s)\" holds \"1,5k\", which is not a"
                + " number (write 1234.5, no thousands separators; leave it empty if unknown)",
                assertThrows(CsvFormatException.class, () -> draw("""
                        workload,system,round,throughput (calls/s)
                        rpc,Aldis,1,300
                        rpc,Aldis,2,"1,5k"
                        """)).getMessage());
        assertEquals("messaging-rpc.csv, line 1: column \"throughput\" names no unit; write it as name (unit),"
                + " e.g. \"throughput (msg/s)\"",
                assertThrows(CsvFormatException.class, () -> draw("workload,system,round,throughput\nw,s,1,2\n"))
                        .getMessage());
        assertEquals("messaging-rpc.csv, line 1: not a results file: its header must start with"
                + " \"workload,system,round\" (rounds of a benchmark) or \"time (s)\" (a time series), not \"a,b\"",
                assertThrows(CsvFormatException.class, () -> draw("a,b\n1,2\n")).getMessage());
        assertEquals("messaging-rpc.csv: no rows below the header: nothing to draw",
                assertThrows(CsvFormatException.class, () -> draw("workload,system,round,t (s)\n")).getMessage());
        assertEquals("messaging-rpc.csv: column \"t (s)\" holds no figure",
                assertThrows(CsvFormatException.class, () -> draw("workload,system,round,t (s)\nw,s,1,\n"))
                        .getMessage());
    }
}
