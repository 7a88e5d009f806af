package io.aldis.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Draws the charts of every results file in a directory: {@code Report <results-dir> <charts-dir>}.
 * Run it through {@code bench/report.sh}. Each CSV file (in the directory and below it, in name
 * order) gives one or more SVG files in the charts directory, named after it; a file that cannot
 * be drawn is reported with its line and skipped, and the exit status is then 1.
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2 || args[0].isBlank()) {
            System.err.println("usage: report <results directory> [<charts directory>]");
            System.exit(2);
        }
        Path results = Path.of(args[0]);
        Path charts = Path.of(args.length == 2 ? args[1] : "charts");
        try {
            int failures = draw(results, charts);
            System.exit(failures == 0 ? 0 : 1);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** Draws every CSV of {@code results} into {@code charts}; returns how many files could not be drawn. */
    static int draw(Path results, Path charts) throws IOException {
        if (!Files.isDirectory(results)) {
            throw new IllegalArgumentException("no results directory " + results.toAbsolutePath()
                    + "; give the directory a benchmark wrote its CSV files to (its results= option)");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(results)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".csv") && Files.isRegularFile(p)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no .csv file in " + results.toAbsolutePath());
        }
        Files.createDirectories(charts);
        int failures = 0;
        int written = 0;
        for (Path file : files) {
            try {
                Map<String, String> drawn = ResultsCharts.draw(CsvTable.read(file), file.getFileName().toString());
                for (Map.Entry<String, String> chart : drawn.entrySet()) {
                    Path target = charts.resolve(chart.getKey());
                    Files.writeString(target, chart.getValue(), StandardCharsets.UTF_8);
                    System.out.println(results.relativize(file) + " -> " + target);
                    written++;
                }
            } catch (CsvFormatException e) {
                System.err.println("cannot draw " + e.getMessage());
                failures++;
            }
        }
        System.out.println(written + " charts from " + (files.size() - failures) + " of " + files.size()
                + " results files in " + charts);
        return failures;
    }
}
