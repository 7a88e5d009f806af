package io.aldis.itest.hostile;

import io.aldis.itest.rpc.Shop;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.files.ChunkLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Figures for docs/benchmarks.md, not assertions: the bystander's round trip (publish→deliver
 * and PING→PONG on its own connection) alone, then while one attacker floods the node with each
 * kind of request at the node's default limits, reading its answers as fast as it can. Every
 * flood runs against the same node in one run, alone rounds before each, so the ratios compare
 * like with like. Prints one line per flood, starting "hostile figures:".
 */
@Tag("hostile")
class FloodFiguresTest {
    private static final int WARM_UP = 2_000;
    private static final int ROUNDS = 3_000;
    private static final int BATCH = 500;

    @Test
    void bystanderRoundTripAloneAndDuringEachFlood() throws Exception {
        try (NodeFixture node = NodeFixture.builder().user("mallory", "user").user("bob", "user").pubsub().rpc()
                .streaming().files().start();
                Bystander bystander = Bystander.join(node, "bob")) {
            node.export("calculator", new Shop.CalculatorImpl(), Shop.Calculator.class);
            node.export("streams", new Streams.Impl(), Streams.Api.class);
            bystander.rounds(WARM_UP);
            List<String> lines = new ArrayList<>();
            lines.add(measure(bystander, "PING (500 a batch, answers read)", on -> {
                try (FrameClient c = node.login("mallory")) {
                    while (on.getAsBoolean()) {
                        for (int i = 0; i < BATCH; i++) {
                            c.write(new Ping(i));
                        }
                        c.flush();
                        for (int i = 0; i < BATCH; i++) {
                            c.next(Pong.class);
                        }
                    }
                }
            }));
            lines.add(measure(bystander, "SUBSCRIBE+UNSUBSCRIBE", on -> {
                try (FrameClient c = node.login("mallory")) {
                    while (on.getAsBoolean()) {
                        for (int i = 1; i <= BATCH; i++) {
                            c.write(new Subscribe(i, "churn." + i, "", ""));
                            c.write(new Unsubscribe(i));
                        }
                        c.flush();
                        for (int i = 1; i <= BATCH; i++) {
                            c.answerTo(i);
                            c.answerTo(i);
                        }
                    }
                }
            }));
            lines.add(measure(bystander, "LIST (default listRate)", on -> {
                try (FrameClient c = node.login("mallory")) {
                    while (on.getAsBoolean()) {
                        for (int i = 1; i <= BATCH; i++) {
                            c.write(new ListRequest(i, "**", 0, 1000));
                        }
                        c.flush();
                        for (int i = 1; i <= BATCH; i++) {
                            c.next(f -> f instanceof ListResponse || f instanceof ErrorFrame);
                        }
                    }
                }
            }));
            lines.add(measure(bystander, "UPLOAD_REQUEST (default maxTransfersPerSession)", on -> {
                try (FrameClient c = node.login("mallory")) {
                    long size = 1L << 30;
                    int chunk = 1 << 20;
                    while (on.getAsBoolean()) {
                        for (int i = 1; i <= BATCH; i++) {
                            c.write(new UploadRequest(i, "u" + i, size, new byte[32], (int) ChunkLayout.count(size, chunk),
                                    chunk, Compression.NONE, ""));
                        }
                        c.flush();
                        for (int i = 1; i <= BATCH; i++) {
                            c.next(f -> f instanceof UploadAccept || f instanceof UploadReject);
                        }
                    }
                }
            }));
            lines.add(measure(bystander, "stream open+cancel (default rapid-reset limit, reconnecting)", on -> {
                while (on.getAsBoolean()) {
                    try (FrameClient c = node.login("mallory")) {
                        streamChurn(c, on);
                    } catch (java.io.IOException closedByNode) {
                        // closed for its cancels: log in again
                    }
                }
            }));
            String deep = "[" + "[".repeat(5_000) + "]".repeat(5_000) + "]";
            lines.add(measure(bystander, "RPC with 5000-level JSON", on -> {
                try (FrameClient c = node.login("mallory")) {
                    while (on.getAsBoolean()) {
                        for (int i = 1; i <= 50; i++) {
                            c.write(new RpcRequest(false, i, 0, "calculator.sum", deep.getBytes(StandardCharsets.UTF_8)));
                        }
                        c.flush();
                        for (int i = 1; i <= 50; i++) {
                            c.next(RpcError.class);
                        }
                    }
                }
            }));
            lines.add(measure(bystander, "SUBSCRIBE+RPC, answers never read (default write deadline, reconnecting)",
                    on -> {
                        byte[] batch = unreadBatch();
                        while (on.getAsBoolean()) {
                            try (FrameClient c = node.login("mallory", 4096)) {
                                while (on.getAsBoolean()) {
                                    c.sendBytes(batch); // blocks once the node stops reading
                                }
                            } catch (java.io.IOException closedByNode) {
                                // closed at the write deadline: log in again
                            }
                        }
                    }));
            lines.forEach(System.out::println);
        }
    }

    /** 500 SUBSCRIBEs and 500 calls, length-prefixed, for a client that never reads the answers. */
    private static byte[] unreadBatch() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 1; i <= BATCH; i++) {
            for (Frame f : List.of(new Subscribe(i, "unread." + i, "", ""),
                    new RpcRequest(i, 0, "calculator.add", "[1,2]".getBytes(StandardCharsets.UTF_8)))) {
                byte[] frame = FrameClient.encode(f);
                out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(frame.length).array());
                out.writeBytes(frame);
            }
        }
        return out.toByteArray();
    }

    /** Opens and cancels streams until the node closes the connection for it or the attack is over. */
    private static void streamChurn(FrameClient c, java.util.function.BooleanSupplier on) throws java.io.IOException {
        for (long call = 1; on.getAsBoolean(); call++) {
            c.send(new RpcRequest(true, call, 0, "streams.forever", "[\"x\"]".getBytes(StandardCharsets.UTF_8)));
            long id = call;
            Frame f = c.next(x -> x instanceof StreamOpen o && o.callId() == id || x instanceof Close);
            if (f instanceof Close) {
                return;
            }
            c.send(new StreamCancel(((StreamOpen) f).streamId()));
        }
    }

    private static String measure(Bystander bystander, String flood, Bystander.EndlessAttack attack) throws Exception {
        bystander.resetTimes();
        bystander.rounds(ROUNDS);
        double aloneP50 = bystander.percentileMicros(50);
        double aloneP99 = bystander.percentileMicros(99);
        bystander.resetTimes();
        bystander.whileAttacked(ROUNDS, attack);
        double p50 = bystander.percentileMicros(50);
        double p99 = bystander.percentileMicros(99);
        return String.format(Locale.ROOT, "hostile figures: flood of %s: bystander p50/p99 alone %.0f/%.0f us, during"
                + " %.0f/%.0f us, ratio p50 %.2f, p99 %.2f", flood, aloneP50, aloneP99, p50, p99, p50 / aloneP50,
                p99 / aloneP99);
    }
}
