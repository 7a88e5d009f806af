package io.aldis.itest.karaf;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** Reads the tables that Karaf's {@code ShellTable} prints: a header, a rule, then one row per line. */
final class ShellTables {

    private ShellTables() {
    }

    /** The stripped cells of one printed line. */
    static List<String> cells(String line) {
        return Arrays.stream(line.split("[|\u2502]", -1)).map(String::strip).toList();
    }

    /** The cells of the first row that matches, or null. Header lines and rules never match. */
    static List<String> row(String output, Predicate<List<String>> match) {
        List<String> lines = output.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean header = i + 1 < lines.size() && isRule(lines.get(i + 1));
            if (header || isRule(line) || !line.matches(".*[|\u2502].*")) {
                continue;
            }
            List<String> cells = cells(line);
            if (match.test(cells)) {
                return cells;
            }
        }
        return null;
    }

    private static boolean isRule(String line) {
        return !line.isBlank() && line.matches("[-+|\u2500\u253c\u2502 ]*");
    }
}
