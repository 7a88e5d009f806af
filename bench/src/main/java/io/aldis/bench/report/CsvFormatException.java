package io.aldis.bench.report;

/** A results file that cannot be read or drawn, with the file and line to look at. */
public final class CsvFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CsvFormatException(String source, int line, String problem) {
        super(source + ", line " + line + ": " + problem);
    }

    public CsvFormatException(String source, String problem) {
        super(source + ": " + problem);
    }
}
