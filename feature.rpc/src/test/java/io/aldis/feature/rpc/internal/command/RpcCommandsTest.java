package io.aldis.feature.rpc.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shell commands against a real engine with one exported service. */
class RpcCommandsTest {
    public record Point(int x, int y) {
    }

    public interface Geometry {
        double distance(Point from, Point to);

        CompletionStage<List<Point>> corners(@Min(1) int size);
    }

    public static final class GeometryImpl implements Geometry {
        @Override
        public double distance(Point from, Point to) {
            return Math.hypot(to.x() - from.x(), to.y() - from.y());
        }

        @Override
        public CompletionStage<List<Point>> corners(int size) {
            return CompletableFuture.completedFuture(List.of(new Point(0, 0), new Point(size, size)));
        }
    }

    private RpcEngine engine;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void setUp() {
        engine = new RpcEngine(RpcSettings.defaults(), () -> null, () -> null);
        engine.addService(new GeometryImpl(), Map.of(RpcConstants.SERVICE, "geo", "objectClass",
                new String[] {Geometry.class.getName()}, "service.id", 1L), "test.bundle");
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        engine.close();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String call(String method, String params) throws Exception {
        RpcCallCommand command = new RpcCallCommand();
        command.registry = engine.registry();
        command.method = method;
        command.params = params;
        command.execute();
        return out() + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rpcCallPrintsTheResult() throws Exception {
        assertThat(call("geo.distance", "[{\"x\":0,\"y\":0},{\"x\":3,\"y\":4}]").trim()).isEqualTo("5.0");
    }

    @Test
    void rpcCallFailsWithTheErrorCodeAndDetails() {
        // Thrown, so the console shows the error and a script over ssh gets a non-zero exit status.
        assertThatThrownBy(() -> call("geo.corners", "[0]"))
                .hasMessageContaining("error -401 INVALID_PARAMS")
                .hasMessageContaining("{\"path\":\"size\",\"reason\":\"must be at least 1\"}");
        assertThatThrownBy(() -> call("geo.nothing", "[]")).hasMessageContaining("error -400 METHOD_NOT_FOUND");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void rpcListShowsMethodsWithParameterAndResultTypes() {
        RpcListCommand command = new RpcListCommand();
        command.registry = engine.registry();
        command.execute();
        assertThat(out()).contains("geo.distance").contains("from: Point, to: Point").contains("double")
                .contains("geo.corners").contains("size: int").contains("List<Point>").contains("osgi:test.bundle");
    }

    @Test
    void rpcStatsShowsCountsAndErrorsPerMethod() throws Exception {
        engine.registry().call("geo.distance", "[{\"x\":0,\"y\":0},{\"x\":1,\"y\":1}]", null).get();
        engine.registry().call("geo.corners", "[2]", null).get();
        engine.registry().call("geo.corners", "[-1]", null).handle((v, t) -> null).get();
        RpcStatsCommand command = new RpcStatsCommand();
        command.registry = engine.registry();
        command.execute();
        String table = out();
        assertThat(table).containsPattern("geo\\.corners\\s*\\|\\s*2\\s*\\|\\s*1\\s*\\|\\s*0");
        assertThat(table).containsPattern("geo\\.distance\\s*\\|\\s*1\\s*\\|\\s*0\\s*\\|\\s*0");
    }
}
