package io.aldis.feature.cluster.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.cluster.internal.ClusterView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What {@code aldis:cluster-routes} prints of a peer's interest, for a console and for scripts. */
class ClusterRoutesCommandTest {
    private static final List<String> INTEREST = IntStream.range(0, 40).mapToObj(i -> "orders.region" + i + ".>")
            .toList();

    private static String print(boolean format) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ClusterView.RouteView route = new ClusterView.RouteView("b", "127.0.0.1:7451", "id-b", INTEREST, 3, 300, 0, 4, 400,
                1_000, "TLS");
        ClusterRoutesCommand.print(List.of(route), 61_000, new PrintStream(bytes, true, StandardCharsets.UTF_8), format);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scriptsGetTheWholeInterest() {
        String row = print(false).lines().filter(l -> l.startsWith("b ")).findFirst().orElseThrow();
        String[] cells = row.split("\t");
        assertThat(cells[9].trim()).isEqualTo(String.join(", ", INTEREST));
        assertThat(cells[10].trim()).isEqualTo("TLS");
    }

    @Test
    void aConsoleGetsItCutToAReadableWidth() {
        String table = print(true);
        assertThat(table).contains("orders.region0.>").doesNotContain("orders.region39.>");
    }
}
