package io.aldis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aldis.bench.report.CsvTable;
import io.aldis.bench.report.ResultsCharts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the benchmarks hand over ends up, one file per workload, in a table the chart writer draws. */
class RunResultsTest {
    @TempDir
    Path dir;

    @Test
    void eachWorkloadGetsAFileWithOneRowPerSystemAndRoundAndTheUnitsInTheHeader() throws Exception {
        RunResults results = new RunResults(dir, "messaging");
        results.round("pub/sub 1→10 fan-out", "Aldis (AldisClient)", 1, new RunResults.Figure("throughput", "msg/s", 1234567.891));
        results.round("request/response, 32 in flight", "gRPC", 1, new RpcSystems.Result(50_000, 120.5, 900).figures());
        results.round("pub/sub 1→10 fan-out", "NATS, \"jnats\"", 1, new RunResults.Figure("throughput", "msg/s", 0.000123));

        CsvTable fanOut = CsvTable.read(dir.resolve("messaging-pub-sub-1-to-10-fan-out.csv"));
        assertEquals(List.of("workload", "system", "round", "throughput (msg/s)"), fanOut.header());
        assertEquals(List.of(List.of("pub/sub 1→10 fan-out", "Aldis (AldisClient)", "1", "1234570"),
                List.of("pub/sub 1→10 fan-out", "NATS, \"jnats\"", "1", "0.000123")), fanOut.rows());

        CsvTable rpc = CsvTable.read(dir.resolve("messaging-request-response-32-in-flight.csv"));
        assertEquals(List.of("workload", "system", "round", "throughput (calls/s)", "p50 (µs)", "p90 (µs)",
                "p99 (µs)", "p99.9 (µs)"), rpc.header());
        assertEquals(List.of("request/response, 32 in flight", "gRPC", "1", "50000", "120.5", "", "900", ""),
                rpc.rows().get(0), "a percentile the system does not report is an empty cell");
        assertEquals(List.of("messaging-request-response-32-in-flight-throughput.svg",
                "messaging-request-response-32-in-flight-latency.svg"),
                List.copyOf(ResultsCharts.draw(rpc, "messaging-request-response-32-in-flight.csv").keySet()));
    }

    @Test
    void aWorkloadKeepsItsColumns() {
        RunResults results = new RunResults(dir, "streams");
        results.round("w", "a", 1, new RunResults.Figure("throughput", "items/s", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> results.round("w", "a", 2, new RunResults.Figure("throughput", "MB/s", 1)));
        assertEquals("workload \"w\" was recorded with the columns [workload, system, round, throughput (items/s)]"
                + " and now with [workload, system, round, throughput (MB/s)]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RunResults.Figure("throughput", " ", 1));
        assertThrows(IllegalArgumentException.class,
                () -> results.round("v", "a", 1, new RunResults.Figure("x", "s", Double.POSITIVE_INFINITY)));
    }

    @Test
    void numbersHaveSixSignificantDigitsAndNeverAnExponent() {
        assertEquals("123457000", RunResults.number(123456789));
        assertEquals("0.0000012", RunResults.number(1.2e-6));
        assertEquals("0", RunResults.number(0));
        assertEquals("", RunResults.number(Double.NaN));
    }

    @Test
    void aRelativeResultsOptionIsTakenFromWhereTheScriptStartedOrElseANewDirectoryUnderTarget() throws Exception {
        RunResults given = RunResults.fromOption("auth", dir.toString());
        assertEquals(dir.toAbsolutePath().normalize(), given.directory());
        RunResults fresh = RunResults.fromOption("auth", "");
        assertEquals(Path.of("target", "results").toAbsolutePath(), fresh.directory().getParent());
        assertEquals(true, fresh.directory().getFileName().toString().startsWith("auth-"));
        assertEquals(false, Files.exists(fresh.directory()), "the directory is made with the first row");
    }

    @Test
    void aTimeSeriesHasATimeColumnFirstAndBecomesOneLineChartPerUnit() throws Exception {
        RunResults.TimeSeries series = new RunResults(dir, "files").timeSeries("memory, 64 MiB upload",
                "node heap", "MB", "client heap", "MB");
        series.sample(0, 1.5, 2);
        series.sample(1.25, Double.NaN, 3);
        CsvTable table = CsvTable.read(dir.resolve("files-memory-64-mib-upload.csv"));
        assertEquals(List.of("time (s)", "node heap (MB)", "client heap (MB)"), table.header());
        assertEquals(List.of(List.of("0", "1.5", "2"), List.of("1.25", "", "3")), table.rows());
        assertEquals(List.of("files-memory-64-mib-upload.svg"),
                List.copyOf(ResultsCharts.draw(table, "files-memory-64-mib-upload.csv").keySet()));
        assertThrows(IllegalArgumentException.class, () -> series.sample(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new RunResults(dir, "x").timeSeries("t", "only a name"));
    }
}
