package io.aldis.itest.conformance;

import static io.aldis.itest.conformance.Steps.ack;
import static io.aldis.itest.conformance.Steps.act;
import static io.aldis.itest.conformance.Steps.closed;
import static io.aldis.itest.conformance.Steps.deliver;
import static io.aldis.itest.conformance.Steps.error;
import static io.aldis.itest.conformance.Steps.errorAndClose;
import static io.aldis.itest.conformance.Steps.expect;
import static io.aldis.itest.conformance.Steps.pingPong;
import static io.aldis.itest.conformance.Steps.pong;
import static io.aldis.itest.conformance.Steps.rpcError;
import static io.aldis.itest.conformance.Steps.rpcResponse;
import static io.aldis.itest.conformance.Steps.send;
import static io.aldis.itest.conformance.Steps.sendPrefix;
import static io.aldis.itest.conformance.Steps.sendTogether;
import static io.aldis.itest.conformance.Steps.utf8;
import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.conformance.Rule.Profile;
import io.aldis.itest.conformance.Rule.Start;
import io.aldis.itest.conformance.Rule.Step;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol conformance suite: the rules of docs/protocol.md sections 2 to 4 (connection) and
 * 6 (feature families), each a row that drives a real node over a real socket frame by frame
 * and checks the frames, or the close, the document demands. A rule of the document without a
 * row here can drift from the node unnoticed: add the row with the rule.
 */
class ProtocolConformanceTest {
    private static final String USER = "alice";
    private static final long ALL = FrameClient.ALL_BUT_LZ4_AND_ADDRESSES;
    private static final HeldArithmetic ARITH = new HeldArithmetic();
    private static final String ADMIN = "root";
    private static final String ADMIN_PASSWORD = "conformance-admin-1";
    private static NodeFixture standard;
    private static NodeFixture quick;

    @BeforeAll
    static void startNodes() throws Exception {
        standard = NodeFixture.builder().user(USER, "user").pubsub().rpc().start();
        standard.export("arith", ARITH, Arithmetic.class);
        standard.store().add(ADMIN, ADMIN_PASSWORD.toCharArray(), Set.of("admin"));
        // Timers short enough that a heartbeat falls well inside the auth timeout, and failures
        // answered at once so that rules about them do not slow the others.
        quick = NodeFixture.builder()
                .settings(NodeSettings.defaults().withTimeouts(500, 3000).withAuthLimits(1, 1, 3600))
                .user(USER, "user").pubsub().rpc().start();
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (standard != null) {
            standard.close();
        }
        if (quick != null) {
            quick.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectionRules")
    void connection(Rule rule) throws Exception {
        run(rule);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("featureRules")
    void features(Rule rule) throws Exception {
        run(rule);
    }

    // ---------------------------------------------------------------- sections 2 to 4

    static Stream<Rule> connectionRules() {
        List<Rule> rules = new ArrayList<>();
        // 2.3 Frame size
        rules.add(fresh("2.3", "before CONNECT_ACK a frame longer than 65536 bytes is refused from its prefix: FRAME_TOO_LARGE and close",
                sendPrefix(FrameSizeLimit.HANDSHAKE + 1, 1), errorAndClose(ErrorCode.FRAME_TOO_LARGE, 0)));
        rules.add(connected("2.3", "before authentication a frame longer than 65536 bytes is refused from its prefix: FRAME_TOO_LARGE and close",
                sendPrefix(FrameSizeLimit.HANDSHAKE + 1, 1), errorAndClose(ErrorCode.FRAME_TOO_LARGE, 0)));
        rules.add(connected("2.3", "a frame of exactly 65536 bytes is accepted before authentication (here: refused as work, not for its size)",
                send(new Message(false, 4, "t", new byte[FrameSizeLimit.HANDSHAKE - 15])),
                errorAndClose(ErrorCode.AUTH_REQUIRED, 0)));
        rules.add(authenticated("2.3", "after authentication frames up to the announced maxFrameSize are accepted",
                send(new Message(false, 6, "nobody.handles", new byte[200_000])), error(ErrorCode.NO_HANDLER, 6),
                pingPong(1)));
        rules.add(authenticated("2.3", "a length prefix above maxFrameSize is refused before the body: FRAME_TOO_LARGE and close",
                sendPrefix(1_048_577, 1), errorAndClose(ErrorCode.FRAME_TOO_LARGE, 0)));
        rules.add(authenticated("2.3", "a length of 0 or 1 is MALFORMED_FRAME and close",
                sendPrefix(1, 1), errorAndClose(ErrorCode.MALFORMED_FRAME, 0)));
        // 3.3 Undecodable input
        rules.add(authenticated("3.3", "an unknown frame type is skipped with UNKNOWN_FRAME_TYPE, request id 0, and the connection stays",
                Steps.sendBytes(new byte[] {0, 0, 0, 3, 0x7f, 0, 9}), error(ErrorCode.UNKNOWN_FRAME_TYPE, 0), pingPong(2)));
        rules.add(authenticated("3.3", "a truncated frame is MALFORMED_FRAME and close, named in the protocol's words",
                Steps.sendBytes(new byte[] {0, 0, 0, 5, 0x20, 0, 1, 2, 3}),
                expect(FrameType.ERROR, (ErrorFrame e) -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_FRAME);
                    assertThat(e.message()).contains("PING").contains("offset 2").doesNotContain("readerIndex");
                }), closed()));
        // 4.1 Handshake
        rules.add(fresh("4.1", "CONNECT for 1.0 is answered with CONNECT_ACK for 1.0",
                send(connect(ALL, "")), expect(FrameType.CONNECT_ACK,
                        (ConnectAck a) -> assertThat(a.version()).isEqualTo(ProtocolVersion.V1))));
        rules.add(fresh("4.1", "an unsupported version gets UNSUPPORTED_VERSION with the supported versions, and close",
                send(new Connect(0x0900, ALL, UUID.randomUUID(), "", "c")), expect(FrameType.ERROR, (ErrorFrame e) -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
                    assertThat(e.requestId()).isZero();
                    assertThat(e.details()).isEqualTo("{\"supported\":[\"1.0\"]}");
                }), closed()));
        rules.add(fresh("4.1", "a PING as the first frame gets UNEXPECTED_FRAME and close, not a PONG",
                send(new Ping(1)), errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(fresh("4.1", "AUTH_START as the first frame gets UNEXPECTED_FRAME and close",
                send(new AuthStart("SCRAM-SHA-256", utf8("n,,n=alice,r=abc"))), errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(fresh("4.1", "CLOSE as the first frame gets UNEXPECTED_FRAME and close",
                send(new Close(0, "bye")), errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(fresh("4.1", "a work frame as the first frame gets UNEXPECTED_FRAME and close",
                send(new Subscribe(1, "a.b", "", "")), errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(connected("4.1", "a second CONNECT before authentication gets UNEXPECTED_FRAME and close",
                send(connect(ALL, "")), errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(authenticated("4.1", "a second CONNECT after authentication gets UNEXPECTED_FRAME and close",
                send(connect(ALL, "")), errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(new Rule("4.1", "the node sends nothing before CONNECT: no heartbeat PING, only the auth timeout's ERROR",
                Profile.QUICK_TIMERS, Start.NOTHING_SENT, ALL, List.of(errorAndClose(ErrorCode.AUTH_TIMEOUT, 0))));
        // 4.2 Capabilities
        rules.add(fresh("4.2", "CONNECT_ACK announces the families of the installed features and the core's own",
                send(connect(ALL, "")), expect(FrameType.CONNECT_ACK, (ConnectAck a) -> assertThat(
                        Capability.fromMask(a.capabilities())).containsExactlyInAnyOrder(Capability.MESSAGES,
                                Capability.PUBSUB, Capability.RPC, Capability.RESUME_TOKEN, Capability.FLOW_CONTROL))));
        rules.add(authenticatedWith(mask(Capability.PUBSUB), "4.2",
                "RPC_REQUEST of a client that did not announce RPC gets CAPABILITY_UNAVAILABLE with its call id",
                send(new RpcRequest(7, 0, "arith.add", utf8("[1,2]"))), error(ErrorCode.CAPABILITY_UNAVAILABLE, 7),
                pingPong(3)));
        rules.add(authenticatedWith(mask(Capability.RPC), "4.2",
                "SUBSCRIBE of a client that did not announce PUBSUB gets CAPABILITY_UNAVAILABLE with its subscription id",
                send(new Subscribe(9, "a.b", "", "")), error(ErrorCode.CAPABILITY_UNAVAILABLE, 9)));
        rules.add(authenticatedWith(mask(Capability.RPC), "4.2",
                "UNSUBSCRIBE of a client that did not announce PUBSUB gets CAPABILITY_UNAVAILABLE with its subscription id",
                send(new Unsubscribe(10)), error(ErrorCode.CAPABILITY_UNAVAILABLE, 10)));
        rules.add(authenticatedWith(mask(Capability.RPC), "4.2",
                "PUBLISH of a client that did not announce PUBSUB gets CAPABILITY_UNAVAILABLE with request id 0",
                send(new Publish("a.b", "", Map.of(), utf8("x"))), error(ErrorCode.CAPABILITY_UNAVAILABLE, 0)));
        rules.add(authenticatedWith(mask(Capability.PUBSUB), "4.2",
                "MESSAGE of a client that did not announce MESSAGES gets CAPABILITY_UNAVAILABLE with its correlation id",
                send(new Message(false, 11, "t", new byte[0])), error(ErrorCode.CAPABILITY_UNAVAILABLE, 11)));
        rules.add(authenticatedWith(mask(Capability.PUBSUB), "4.2",
                "RPC_CANCEL of a client that did not announce RPC gets CAPABILITY_UNAVAILABLE with its call id",
                send(new RpcCancel(12)), error(ErrorCode.CAPABILITY_UNAVAILABLE, 12)));
        rules.add(authenticated("4.2", "a family the node does not serve (STREAMS) gets CAPABILITY_UNAVAILABLE with the call id",
                send(new StreamOpen(1, 13, StreamDirection.CLIENT_TO_NODE, CreditMode.ITEMS, 8, "")),
                error(ErrorCode.CAPABILITY_UNAVAILABLE, 13), pingPong(4)));
        rules.add(authenticatedWith(mask(Capability.PUBSUB), "4.2",
                "PAUSE of a client that did not announce FLOW_CONTROL gets CAPABILITY_UNAVAILABLE",
                send(Pause.INSTANCE), error(ErrorCode.CAPABILITY_UNAVAILABLE, 0)));
        // 4.3 Limits
        rules.add(fresh("4.3", "the default maxFrameSize is 1 MiB, and maxChunkSize fits a chunk in one frame",
                send(connect(ALL, "")), expect(FrameType.CONNECT_ACK, (ConnectAck a) -> {
                    assertThat(a.maxFrameSize()).isEqualTo(1_048_576);
                    assertThat(a.maxChunkSize()).isLessThanOrEqualTo(a.maxFrameSize() - 30);
                })));
        // 4.4 Authentication
        rules.add(connected("4.4", "a work frame before authentication gets AUTH_REQUIRED and close",
                send(new Subscribe(1, "a.b", "", "")), errorAndClose(ErrorCode.AUTH_REQUIRED, 0)));
        rules.add(connected("4.4", "PAUSE before authentication gets AUTH_REQUIRED and close",
                send(Pause.INSTANCE), errorAndClose(ErrorCode.AUTH_REQUIRED, 0)));
        rules.add(connected("4.4", "PING before authentication is answered",
                pingPong(5)));
        rules.add(connected("4.4", "a mechanism that is not offered gets AUTH_MECHANISM_UNSUPPORTED and close",
                send(new AuthStart("NO-SUCH-MECH", new byte[0])), errorAndClose(ErrorCode.AUTH_MECHANISM_UNSUPPORTED, 0)));
        rules.add(connected("4.4", "a second auth frame before the answer gets UNEXPECTED_FRAME and close",
                sendTogether(new AuthStart("SCRAM-SHA-256", utf8("n,,n=alice,r=abcdefgh")), new AuthResponse(utf8("c=biws"))),
                errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(connected("4.4", "AUTH_START after authentication gets UNEXPECTED_FRAME and close",
                d -> d.scram(USER, PASSWORD),
                send(new AuthStart("SCRAM-SHA-256", utf8("n,,n=alice,r=abcdefgh"))),
                errorAndClose(ErrorCode.UNEXPECTED_FRAME, 0)));
        rules.add(new Rule("4.4", "a wrong password gets the uniform AUTH_FAILED with request id 0, and close",
                Profile.QUICK_TIMERS, Start.CONNECTED, ALL, List.of(d -> {
                    try {
                        d.scram(USER, "not-the-password");
                        throw new AssertionError("a wrong password was accepted");
                    } catch (FrameClient.AuthRefused refused) {
                        assertThat(refused.error.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
                        assertThat(refused.error.requestId()).isZero();
                    }
                }, closed())));
        rules.add(new Rule("4.4", "a client not authenticated within the auth timeout gets AUTH_TIMEOUT and close",
                Profile.QUICK_TIMERS, Start.CONNECTED, ALL, List.of(errorAndClose(ErrorCode.AUTH_TIMEOUT, 0))));
        rules.add(fresh("4.4", "a valid resume token: CONNECT_ACK with AUTHENTICATED, the session is the token's user's and open",
                d -> {
                    String token;
                    try (FrameClient first = standard.raw()) {
                        first.connect();
                        AuthOk ok = first.scram(USER, PASSWORD);
                        assertThat(ok.resumeToken()).isNotEmpty();
                        token = ok.resumeToken();
                    }
                    d.send(connect(ALL, token));
                }, expect(FrameType.CONNECT_ACK, (ConnectAck a) -> assertThat(a.flags() & ConnectAck.FLAG_AUTHENTICATED)
                        .isNotZero()), d -> d.answerPings(true), pingPong(6),
                send(new Subscribe(20, "conformance.resumed", "", "")), ack(20)));
        rules.add(fresh("4.4", "an unknown resume token: CONNECT_ACK without AUTHENTICATED and no error",
                send(connect(ALL, "no-such-token")), expect(FrameType.CONNECT_ACK,
                        (ConnectAck a) -> assertThat(a.flags() & ConnectAck.FLAG_AUTHENTICATED).isZero()),
                pingPong(7)));
        // 4.6 Heartbeat
        rules.add(authenticated("4.6", "PING is answered with PONG carrying the same nonce",
                pingPong(0x1122334455667788L)));
        // 4.7 PAUSE / RESUME
        rules.add(authenticated("4.7", "after a client's PAUSE the node sends no work frames, PING is still answered; RESUME releases them",
                send(new Subscribe(1, "conformance.paused", "", "")), ack(1),
                sendTogether(Pause.INSTANCE, new Publish("conformance.paused", "", Map.of(), utf8("held")), new Ping(8)),
                pong(8),
                send(Resume.INSTANCE), deliver(1, "conformance.paused", "held")));
        rules.add(authenticated("4.7", "answers to requests made while the client paused the node wait for RESUME",
                sendTogether(Pause.INSTANCE, new Subscribe(2, "conformance.p2", "", ""), new Ping(9)),
                pong(9),
                send(Resume.INSTANCE), ack(2)));
        rules.add(authenticated("4.7", "a client's CLOSE ends its PAUSE: what was held goes out before CLOSE_ACK",
                sendTogether(Pause.INSTANCE, new Subscribe(3, "conformance.p3", "", "")),
                pingPong(15),
                send(new Close(0, "done")), ack(3), expect(FrameType.CLOSE_ACK), closed()));
        // 4.8 Close
        rules.add(authenticated("4.8", "CLOSE is answered with CLOSE_ACK, then the node closes",
                send(new Close(0, "done")), expect(FrameType.CLOSE_ACK), closed()));
        rules.add(authenticated("4.8", "a call in flight when the client sends CLOSE gets its RPC_RESPONSE before CLOSE_ACK",
                act(ARITH::arm), send(new RpcRequest(30, 0, "arith.hold", utf8("[]"))), act(ARITH::awaitEntered),
                send(new Close(0, "done")), act(ARITH::release),
                rpcResponse(30, "\"released\""), expect(FrameType.CLOSE_ACK), closed()));
        return rules.stream();
    }

    // ---------------------------------------------------------------- section 6

    static Stream<Rule> featureRules() {
        List<Rule> rules = new ArrayList<>();
        // 6.1 Typed messages
        rules.add(authenticated("6.1", "a MESSAGE no handler serves gets NO_HANDLER with the correlation id",
                send(new Message(false, 40, "nobody.serves.this", utf8("{}"))), error(ErrorCode.NO_HANDLER, 40)));
        // 6.2 Publish/subscribe
        rules.add(authenticated("6.2", "SUBSCRIBE is answered with ACK carrying the subscription id; PUBLISH reaches it as DELIVER",
                send(new Subscribe(41, "conformance.a.*", "", "")), ack(41),
                send(new Publish("conformance.a.b", "", Map.of(), utf8("hi"))), deliver(41, "conformance.a.b", "hi")));
        rules.add(authenticated("6.2", "'>' matches one or more tokens at the end",
                send(new Subscribe(42, "conformance.b.>", "", "")), ack(42),
                send(new Publish("conformance.b.c.d", "", Map.of(), utf8("deep"))), deliver(42, "conformance.b.c.d", "deep")));
        rules.add(authenticated("6.2", "among subscriptions sharing a queue group only one gets each message",
                send(new Subscribe(43, "conformance.q", "workers", "")), ack(43),
                send(new Subscribe(44, "conformance.q", "workers", "")), ack(44),
                sendTogether(new Publish("conformance.q", "", Map.of(), utf8("one")), new Ping(10)),
                Steps.both(FrameType.DELIVER, FrameType.PONG), pingPong(13)));
        rules.add(authenticated("6.2", "publishing on a $sys. subject gets INVALID_SUBJECT",
                send(new Publish("$sys.session.opened", "", Map.of(), utf8("{}"))), error(ErrorCode.INVALID_SUBJECT, 0),
                pingPong(11)));
        rules.add(authenticated("6.2", "a malformed subject gets INVALID_SUBJECT",
                send(new Publish("a..b", "", Map.of(), utf8("x"))), error(ErrorCode.INVALID_SUBJECT, 0)));
        rules.add(authenticated("6.2", "a malformed pattern in SUBSCRIBE gets INVALID_SUBJECT with the subscription id",
                send(new Subscribe(45, "a.>.b", "", "")), error(ErrorCode.INVALID_SUBJECT, 45)));
        rules.add(authenticated("6.2", "UNSUBSCRIBE is answered with ACK carrying the subscription id; nothing is delivered after it",
                send(new Subscribe(46, "conformance.u", "", "")), ack(46), send(new Unsubscribe(46)), ack(46),
                sendTogether(new Publish("conformance.u", "", Map.of(), utf8("late")), new Ping(12)), pong(12)));
        rules.add(authenticated("6.2", "a request nobody subscribes to gets NO_RESPONDERS, request id 0, with subject and replyTo",
                send(new Publish("conformance.nobody", "conformance.reply", Map.of(), utf8("?"))),
                expect(FrameType.ERROR, (ErrorFrame e) -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_RESPONDERS);
                    assertThat(e.requestId()).isZero();
                    assertThat(e.details()).isEqualTo("{\"subject\":\"conformance.nobody\",\"replyTo\":\"conformance.reply\"}");
                })));
        rules.add(authenticated("6.2", "SUBSCRIBE's ACK carries the policy and budget in force, the budget clamped to the node's range",
                send(new Subscribe(47, "conformance.o", "", "{\"policy\":\"drop-oldest\",\"budgetBytes\":10}")),
                expect(FrameType.ACK, (Ack a) -> {
                    assertThat(a.requestId()).isEqualTo(47);
                    assertThat(a.json()).contains("\"policy\":\"drop-oldest\"").contains("\"budgetBytes\":1024");
                })));
        rules.add(authenticated("6.2", "unknown SUBSCRIBE options get PROTOCOL_ERROR with the subscription id, and the connection stays",
                send(new Subscribe(48, "conformance.o", "", "{\"colour\":\"red\"}")), error(ErrorCode.PROTOCOL_ERROR, 48),
                send(new Subscribe(49, "conformance.o", "", "{not json")), error(ErrorCode.PROTOCOL_ERROR, 49),
                pingPong(14)));
        rules.add(authenticated("6.2", "UNSUBSCRIBE of an id the session does not hold is answered with ACK {\"existed\":false}",
                send(new Unsubscribe(404)), expect(FrameType.ACK, (Ack a) -> {
                    assertThat(a.requestId()).isEqualTo(404);
                    assertThat(a.json()).isEqualTo("{\"existed\":false}");
                })));
        rules.add(fresh("6.2", "system events reach a subscriber as DELIVER under its subscription id",
                d -> {
                    d.connect();
                    d.answerPings(true);
                    d.scram(ADMIN, ADMIN_PASSWORD);
                },
                send(new Subscribe(60, "$sys.subscription.created", "", "")), ack(60),
                send(new Subscribe(61, "conformance.watched", "", "")),
                Steps.both(FrameType.ACK, FrameType.DELIVER)));
        // 6.3 RPC
        rules.add(authenticated("6.3", "a call is answered with RPC_RESPONSE carrying its call id",
                send(new RpcRequest(50, 0, "arith.add", utf8("[2,3]"))), rpcResponse(50, "5")));
        rules.add(authenticated("6.3", "parameters by name are accepted",
                send(new RpcRequest(51, 0, "arith.add", utf8("{\"a\":2,\"b\":5}"))), rpcResponse(51, "7")));
        rules.add(authenticated("6.3", "an unknown method gets RPC_ERROR METHOD_NOT_FOUND",
                send(new RpcRequest(52, 0, "arith.nope", utf8("[]"))), rpcError(ErrorCode.METHOD_NOT_FOUND, 52)));
        rules.add(authenticated("6.3", "a parameter of the wrong type gets INVALID_PARAMS naming it, in the protocol's words",
                send(new RpcRequest(53, 0, "arith.add", utf8("{\"a\":1,\"b\":\"two\"}"))),
                rpcError(ErrorCode.INVALID_PARAMS, 53, e -> {
                    assertThat(e.message()).contains("'b'").contains("integer").doesNotContain("coerce");
                    assertThat(e.details()).contains("\"b\"");
                })));
        rules.add(authenticated("6.3", "a missing primitive parameter gets INVALID_PARAMS naming it",
                send(new RpcRequest(54, 0, "arith.add", utf8("{\"a\":1}"))),
                rpcError(ErrorCode.INVALID_PARAMS, 54, e -> {
                    assertThat(e.message()).contains("'b'").doesNotContain("FAIL_ON");
                })));
        rules.add(authenticated("6.3", "an unknown parameter is reported as such",
                send(new RpcRequest(55, 0, "arith.add", utf8("{\"a\":1,\"b\":2,\"c\":3}"))),
                rpcError(ErrorCode.INVALID_PARAMS, 55, e -> assertThat(e.message()).contains("'c'").contains("unknown"))));
        rules.add(authenticated("6.3", "a passed deadline gets DEADLINE_EXCEEDED",
                act(ARITH::arm), send(new RpcRequest(56, 100, "arith.hold", utf8("[]"))),
                rpcError(ErrorCode.DEADLINE_EXCEEDED, 56), act(ARITH::release)));
        rules.add(authenticated("6.3", "the caller's RPC_CANCEL gets CANCELLED",
                act(ARITH::arm), send(new RpcRequest(57, 0, "arith.hold", utf8("[]"))), act(ARITH::awaitEntered),
                send(new RpcCancel(57)), rpcError(ErrorCode.CANCELLED, 57), act(ARITH::release)));
        return rules.stream();
    }

    // ---------------------------------------------------------------- running a rule

    private static void run(Rule rule) throws Exception {
        NodeFixture node = rule.profile() == Profile.QUICK_TIMERS ? quick : standard;
        try (FrameClient d = node.raw().answerPings(false)) {
            switch (rule.start()) {
                case NOTHING_SENT -> {
                }
                case CONNECTED -> {
                    d.connect(rule.capabilities(), "");
                    d.answerPings(true);
                }
                case AUTHENTICATED -> {
                    d.connect(rule.capabilities(), "");
                    d.answerPings(true);
                    d.scram(USER, PASSWORD);
                }
            }
            for (Step step : rule.steps()) {
                step.run(d);
            }
        }
    }

    private static Rule fresh(String section, String text, Step... steps) {
        return new Rule(section, text, Profile.STANDARD, Start.NOTHING_SENT, ALL, List.of(steps));
    }

    private static Rule connected(String section, String text, Step... steps) {
        return new Rule(section, text, Profile.STANDARD, Start.CONNECTED, ALL, List.of(steps));
    }

    private static Rule authenticated(String section, String text, Step... steps) {
        return new Rule(section, text, Profile.STANDARD, Start.AUTHENTICATED, ALL, List.of(steps));
    }

    private static Rule authenticatedWith(long capabilities, String section, String text, Step... steps) {
        return new Rule(section, text, Profile.STANDARD, Start.AUTHENTICATED, capabilities, List.of(steps));
    }

    private static long mask(Capability capability) {
        return Capability.maskOf(EnumSet.of(capability, Capability.RESUME_TOKEN));
    }

    private static Connect connect(long capabilities, String token) {
        return new Connect(ProtocolVersion.V1, capabilities, UUID.randomUUID(), token, "conformance");
    }
}
