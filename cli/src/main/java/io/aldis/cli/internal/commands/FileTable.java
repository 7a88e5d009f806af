package io.aldis.cli.internal.commands;

import io.aldis.client.RemoteFile;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The table {@code ls} prints: a header, then one row per file with the name, the exact size in
 * bytes (for scripts) and the upload time in UTC. Names go last, so a name with spaces never
 * shifts the other columns.
 */
final class FileTable {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private final List<RemoteFile> files;

    FileTable(List<RemoteFile> files) {
        this.files = files;
    }

    void print(PrintWriter out) {
        int sizeWidth = "SIZE".length();
        for (RemoteFile file : files) {
            sizeWidth = Math.max(sizeWidth, Long.toString(file.size()).length());
        }
        String row = "%" + sizeWidth + "s  %-20s  %s%n";
        out.printf(row, "SIZE", "MODIFIED", "NAME");
        for (RemoteFile file : files) {
            out.printf(row, file.size(), WHEN.format(file.modified().truncatedTo(ChronoUnit.SECONDS)), file.name());
        }
    }
}
