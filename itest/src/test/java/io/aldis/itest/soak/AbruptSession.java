package io.aldis.itest.soak;

import io.aldis.client.AldisException;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A session that dies without a word: over the frame-level client it logs in, subscribes and gets
 * its own message back, opens an endless stream with some credit and reads a few of its items,
 * then closes its socket without CLOSE, as a killed process would.
 */
final class AbruptSession {
    private AbruptSession() {
    }

    static void liveAndDie(ChurnContext context, String name, Random random) throws Exception {
        try (FrameClient c = FrameClient.tcp(context.port())) {
            c.login(SoakNode.USER, NodeFixture.PASSWORD);
            String subject = "soak.abrupt." + name;
            c.subscribeOk(1, subject);
            c.publish(subject, name);
            Deliver d = c.deliverOn(subject);
            if (!FrameClient.text(d).equals(name)) {
                context.tally().broken(subject + ": got " + FrameClient.text(d) + " instead of " + name);
            }
            if (random.nextBoolean()) {
                c.send(new RpcRequest(true, 2, 0, "streams.forever", "[\"y\"]".getBytes(StandardCharsets.UTF_8)));
                Frame answer = c.next(f -> f instanceof StreamOpen o && o.callId() == 2
                        || f instanceof RpcError e && e.callId() == 2);
                if (answer instanceof RpcError e) {
                    throw new AldisException(e.code(), "the endless stream was refused: " + e.message(), null);
                }
                StreamOpen open = (StreamOpen) answer;
                int credit = 1 + random.nextInt(20);
                c.send(new StreamCredit(open.streamId(), credit));
                int read = 1 + random.nextInt(credit);
                for (int i = 0; i < read; i++) {
                    StreamData item = c.next(f -> f instanceof StreamData s && s.streamId() == open.streamId());
                    if (!new String(item.item(), StandardCharsets.UTF_8).equals("\"y\"")) {
                        context.tally().broken(name + ": an endless stream of y sent "
                                + new String(item.item(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }
}
