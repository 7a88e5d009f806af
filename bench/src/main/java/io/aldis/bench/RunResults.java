package io.aldis.bench;

import io.aldis.bench.report.CsvTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where every benchmark hands its measured rounds: one CSV file per workload in the run's results
 * directory, one row per system and round, columns {@code workload,system,round} and then one per
 * figure, named with its unit ({@code throughput (msg/s)}, {@code p99 (µs)}). A file is rewritten
 * after every row, so a run that fails half-way keeps what it measured. A part that samples
 * something over time writes a time series instead ({@link #timeSeries}): {@code time (s)}, then
 * one column per series. {@code bench/report.sh}
 * draws the charts from these files; the format is described in docs/benchmarks.md.
 */
final class RunResults {
    /** The option every benchmark takes: the results directory; empty for a new one under bench/target. */
    static final String OPTION = "results";

    /**
     * Set by the bench scripts to the directory they were started from, so that a relative
     * {@code results=} means what the user typed even though Maven runs the benchmark from bench/.
     */
    static final String CALLER_DIRECTORY_VARIABLE = "ALDIS_BENCH_CALLER_DIR";

    /** One figure of a round: a name, its unit, and the value (NaN when the system cannot report it). */
    record Figure(String name, String unit, double value) {
        Figure {
            if (name.isBlank() || unit.isBlank()) {
                throw new IllegalArgumentException("a figure needs a name and a unit");
            }
        }

        String column() {
            return name + " (" + unit + ")";
        }
    }

    private final Path directory;
    private final String bench;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, List<List<String>>> rows = new LinkedHashMap<>();

    RunResults(Path directory, String bench) {
        this.directory = directory;
        this.bench = bench;
    }

    /**
     * The results of a run of {@code bench}, in the directory the {@code results} option names
     * (relative to the directory the script was started from), or in a new directory
     * {@code target/results/<bench>-<date>-<time>} of the bench module.
     */
    static RunResults fromOption(String bench, String option) {
        Path dir;
        if (option == null || option.isBlank()) {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
            dir = Path.of("target", "results", bench + "-" + stamp).toAbsolutePath();
        } else {
            String caller = System.getenv(CALLER_DIRECTORY_VARIABLE);
            dir = caller == null || caller.isBlank() ? Path.of(option).toAbsolutePath()
                    : Path.of(caller).resolve(option).toAbsolutePath();
        }
        System.out.println("results (CSV) go to " + dir.normalize());
        return new RunResults(dir.normalize(), bench);
    }

    Path directory() {
        return directory;
    }

    /** The file a workload's rows go to: the bench's name and the workload's title in letters and digits. */
    Path file(String workload) {
        return directory.resolve(bench + "-" + slug(workload) + ".csv");
    }

    static String slug(String title) {
        String s = title.toLowerCase(Locale.ROOT).replace("→", "-to-").replace("×", "x")
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "results" : s;
    }

    /**
     * Records one measured round of {@code system} in {@code workload} and rewrites that
     * workload's file. Every round of a workload must carry the same figures in the same order.
     */
    synchronized void round(String workload, String system, int round, Figure... figures) {
        List<String> header = new ArrayList<>(List.of("workload", "system", "round"));
        for (Figure f : figures) {
            header.add(f.column());
        }
        List<String> known = headers.putIfAbsent(workload, header);
        if (known != null && !known.equals(header)) {
            throw new IllegalArgumentException("workload \"" + workload + "\" was recorded with the columns " + known
                    + " and now with " + header);
        }
        List<String> row = new ArrayList<>(List.of(workload, system, Integer.toString(round)));
        for (Figure f : figures) {
            row.add(number(f.value()));
        }
        List<List<String>> table = rows.computeIfAbsent(workload, k -> new ArrayList<>());
        table.add(row);
        try {
            new CsvTable(header, table).write(file(workload));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results of \"" + workload + "\" to " + file(workload), e);
        }
    }

    /**
     * A time series of this run, in {@code <bench>-<name>.csv}: its first column {@code time (s)},
     * then one column per series, {@code name (unit)} ({@code columns} are name and unit pairs).
     */
    TimeSeries timeSeries(String name, String... columns) {
        if (columns.length == 0 || columns.length % 2 != 0) {
            throw new IllegalArgumentException("a time series needs name and unit pairs, not " + List.of(columns));
        }
        List<String> header = new ArrayList<>(List.of("time (s)"));
        for (int i = 0; i < columns.length; i += 2) {
            header.add(new Figure(columns[i], columns[i + 1], 0).column());
        }
        return new TimeSeries(directory.resolve(bench + "-" + slug(name) + ".csv"), header);
    }

    /** Samples over time, the file rewritten after each. */
    static final class TimeSeries {
        private final Path file;
        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        private TimeSeries(Path file, List<String> header) {
            this.file = file;
            this.header = header;
        }

        Path file() {
            return file;
        }

        /** One sample: the seconds since the series started, then a value per series (NaN: none). */
        synchronized void sample(double seconds, double... values) {
            if (values.length != header.size() - 1) {
                throw new IllegalArgumentException(values.length + " values for the series " + header.subList(1, header.size()));
            }
            List<String> row = new ArrayList<>(List.of(number(seconds)));
            for (double v : values) {
                row.add(number(v));
            }
            rows.add(row);
            try {
                new CsvTable(header, rows).write(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the time series " + file, e);
            }
        }
    }

    /** Six significant digits, never an exponent; empty for a figure the system could not report. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (Double.isInfinite(value)) {
            throw new IllegalArgumentException("an infinite figure cannot be recorded");
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
