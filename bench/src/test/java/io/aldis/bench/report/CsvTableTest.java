package io.aldis.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files must read back exactly as written, whatever a system's name holds, and bad files must say where. */
class CsvTableTest {
    @TempDir
    Path dir;

    @Test
    void fieldsWithCommasQuotesLineBreaksAndEmptinessRoundTripThroughAFile() throws Exception {
        CsvTable table = new CsvTable(List.of("workload", "system", "round", "p99 (µs)"), List.of(
                List.of("pub/sub 1→10", "Aldis RPC, I/O thread (\"direct\")", "1", "12.5"),
                List.of("two\nlines", "", "2", ""),
                List.of("", "x", "3", "1e3"),
                List.of("request/response, 32 in flight", "gRPC", "4", "7")));
        Path file = dir.resolve("t.csv");
        table.write(file);
        assertEquals(table, CsvTable.read(file));
        assertTrue(Files.readString(file).contains("\"Aldis RPC, I/O thread (\"\"direct\"\")\""),
                "quotes are doubled inside a quoted field");
    }

    @Test
    void aSingleEmptyColumnStaysARowAndDoesNotBecomeABlankLine() {
        CsvTable table = new CsvTable(List.of("only"), List.of(List.of(""), List.of("x")));
        assertEquals(table, CsvTable.parse(table.toCsv(), "t"));
    }

    @Test
    void windowsLineEndsBlankLinesAndAMissingFinalLineBreakAreRead() {
        CsvTable t = CsvTable.parse("a,b\r\n1,2\r\n\r\n3,4", "t");
        assertEquals(List.of(List.of("1", "2"), List.of("3", "4")), t.rows());
    }

    @Test
    void aRowOfTheWrongLengthNamesItsLine() {
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvTable.parse("a,b\n1,2\n\"x\ny\",2\n1,2,3\n", "results.csv"));
        assertEquals("results.csv, line 5: this line has 3 fields but the header has 2", e.getMessage());
    }

    @Test
    void anUnclosedQuoteNamesTheLineItStartsOn() {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvTable.parse("a\n\"open\n\n", "r.csv"));
        assertEquals("r.csv, line 2: a quoted field is never closed", e.getMessage());
    }

    @Test
    void strayQuotesAndEmptyFilesAreRefused() {
        assertEquals("r.csv, line 2: a quote inside a field that does not start with one",
                assertThrows(CsvFormatException.class, () -> CsvTable.parse("a\nx\"y\n", "r.csv")).getMessage());
        assertEquals("r.csv, line 1: text after the closing quote of a field",
                assertThrows(CsvFormatException.class, () -> CsvTable.parse("\"a\"b\n", "r.csv")).getMessage());
        assertEquals("r.csv, line 1: the file is empty; a header line is needed",
                assertThrows(CsvFormatException.class, () -> CsvTable.parse("\n\n", "r.csv")).getMessage());
    }

    @Test
    void aTableWhoseRowsDoNotFitItsHeaderCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> new CsvTable(List.of("a", "b"), List.of(List.of("1"))));
    }
}
