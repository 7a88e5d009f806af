package io.aldis.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A table as a CSV file: a header line, then rows of as many fields. Fields holding a comma, a
 * quote or a line break are quoted, with quotes doubled (RFC 4180), so system names such as
 * "Aldis RPC, I/O thread" survive a round trip. Lines end with {@code \n}, files are UTF-8.
 *
 * @param header the column names
 * @param rows   the rows, each exactly as long as the header
 */
public record CsvTable(List<String> header, List<List<String>> rows) {

    public CsvTable {
        if (header.isEmpty()) {
            throw new IllegalArgumentException("a CSV table needs at least one column");
        }
        header = List.copyOf(header);
        List<List<String>> copy = new ArrayList<>();
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("a row has " + row.size() + " fields but the header has "
                        + header.size() + ": " + row);
            }
            copy.add(List.copyOf(row));
        }
        rows = List.copyOf(copy);
    }

    /** The position of the column named {@code name}, or -1. */
    public int column(String name) {
        return header.indexOf(name);
    }

    /** The table as CSV text. */
    public String toCsv() {
        StringBuilder out = new StringBuilder();
        appendLine(out, header);
        for (List<String> row : rows) {
            appendLine(out, row);
        }
        return out.toString();
    }

    /** Writes the table to {@code file}, replacing it, through a temporary file so a reader never sees half of it. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve(file.getFileName() + ".partial");
        Files.writeString(partial, toCsv(), StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a CSV file written by {@link #write} or by hand.
     *
     * @throws CsvFormatException naming the file and line when the text is not a table
     */
    public static CsvTable read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses CSV text; {@code source} names it in errors. Blank lines are skipped, a final line
     * break is optional, and {@code \r\n} line ends are accepted.
     */
    public static CsvTable parse(String text, String source) {
        List<List<String>> lines = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldWasQuoted = false;
        int line = 1;
        int recordStart = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"') {
                if (field.length() > 0 || fieldWasQuoted) {
                    throw new CsvFormatException(source, line, "a quote inside a field that does not start with one");
                }
                quoted = true;
                fieldWasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldWasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                endRecord(lines, lineNumbers, fields, field, fieldWasQuoted, recordStart);
                fieldWasQuoted = false;
                line++;
                recordStart = line;
            } else {
                if (fieldWasQuoted) {
                    throw new CsvFormatException(source, line, "text after the closing quote of a field");
                }
                field.append(c);
            }
        }
        if (quoted) {
            throw new CsvFormatException(source, recordStart, "a quoted field is never closed");
        }
        endRecord(lines, lineNumbers, fields, field, fieldWasQuoted, recordStart);
        if (lines.isEmpty()) {
            throw new CsvFormatException(source, 1, "the file is empty; a header line is needed");
        }
        List<String> header = lines.get(0);
        for (int r = 1; r < lines.size(); r++) {
            if (lines.get(r).size() != header.size()) {
                throw new CsvFormatException(source, lineNumbers.get(r), "this line has " + lines.get(r).size()
                        + " fields but the header has " + header.size());
            }
        }
        return new CsvTable(header, lines.subList(1, lines.size()));
    }

    private static void endRecord(List<List<String>> lines, List<Integer> lineNumbers, List<String> fields,
            StringBuilder field, boolean fieldWasQuoted, int recordStart) {
        if (fields.isEmpty() && field.length() == 0 && !fieldWasQuoted) {
            return; // a blank line
        }
        fields.add(field.toString());
        lines.add(new ArrayList<>(fields));
        lineNumbers.add(recordStart);
        fields.clear();
        field.setLength(0);
    }

    private static void appendLine(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String f = fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0
                    || (i == 0 && f.isEmpty() && fields.size() == 1)) {
                // A lone empty field is quoted, or its line would read back as a blank line.
                out.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                out.append(f);
            }
        }
        out.append('\n');
    }
}
