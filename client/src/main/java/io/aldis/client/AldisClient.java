package io.aldis.client;

import io.aldis.client.internal.ClientConfig;
import io.aldis.client.internal.DefaultAldisClient;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.spin.SpinWindow;
import io.aldis.protocol.api.stream.SizeFunction;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A connection to an Aldis node that authenticates, keeps itself alive and comes back after a
 * loss. Build one with {@link #builder()}, then {@link #connect()}:
 *
 * <pre>{@code
 * AldisClient client = AldisClient.builder()
 *     .address("127.0.0.1", 7440)
 *     .credentials("alice", password)
 *     .build();
 * client.connect().join();
 * }</pre>
 *
 * All methods are thread-safe and none of them blocks. The futures they return complete where
 * the client runs its callbacks ({@link Builder#callbackExecutor}); waiting for one of them
 * ({@code join()}, {@code get()}) inside one of the client's callbacks, or on its network thread,
 * throws {@link IllegalStateException} at once, since the answer could never be handled meanwhile.
 */
@ProviderType
public interface AldisClient {

    /** A builder with the defaults described on each of its methods. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the connection and authenticates. The future completes once the session is open (after
     * AUTH_OK, or after a CONNECT_ACK that accepted the resume token), or fails with an
     * {@link AldisException}: {@code CONNECTION_FAILED} when the node cannot be reached,
     * {@code CONNECTION_TIMEOUT}, {@code AUTH_FAILED}, {@code UNSUPPORTED_VERSION} and so on.
     * Calling it again while connecting or connected returns the same future.
     */
    CompletableFuture<AldisClient> connect();

    /** The current state. */
    ClientState state();

    /** The current or, while reconnecting, the last session; {@code null} before the first one opened. */
    SessionInfo session();

    /**
     * Every node address the client knows, as {@code host:port}: those it was given
     * ({@link Builder#addresses}), which it always keeps, then those of the other nodes of the
     * cluster that its node told it of (docs/protocol.md 4.9), learned while connected and replaced
     * whenever the node tells of a change. An address of the node the client is connected to is
     * not learned again under another name. Learned addresses are kept when the node leaves its
     * cluster (its cluster feature was removed; those nodes may still be up), until a node sends a
     * new list. After a loss the client may try each of the others at once (see
     * {@link Builder#addresses}), then waits its reconnect delays; each attempt goes to the next of
     * them, round the list, going on from the
     * address in use wherever a new list puts it (and from the first when a new list drops it). A
     * node outside a cluster tells nothing, and the list is the one given.
     *
     * @since 1.6
     */
    List<String> knownAddresses();

    /** The resume token from the last AUTH_OK, used on the next reconnect. */
    Optional<String> resumeToken();

    /** A snapshot of the counters. */
    ClientStats stats();

    /** Whether the node has paused this client (sends are being queued). */
    boolean paused();

    /**
     * Sends a frame. While the node has paused the client the frame waits in a bounded queue and
     * is written, in order, on RESUME; when that queue is full the future fails with
     * {@code BUSY}. The future completes when the frame was written to the network, and fails
     * when the client is not connected.
     */
    CompletableFuture<Void> send(Frame frame);

    /**
     * Sends a frame that carries {@code requestId} and completes with the node's answer carrying
     * the same id; an ERROR answer fails the future with an {@link AldisException}. Pending
     * requests fail with {@code CONNECTION_INTERRUPTED} when the connection is lost.
     */
    CompletableFuture<Frame> request(long requestId, Frame frame);

    /** A request id never returned before by this client; never 0. */
    long nextRequestId();

    /**
     * Registers a handler for frames the client does not consume itself (everything but the
     * handshake, heartbeats, flow control, close, answers to {@link #request}, and the frames of
     * the client's own calls, subscriptions, messages and provided services). Handlers are called
     * in arrival order on the client's callback thread.
     *
     * @return an action that removes the handler again
     */
    Runnable onFrame(Consumer<Frame> handler);

    // ---------------------------------------------------------------- RPC

    /**
     * Calls a remote method with the client's default timeout and decodes the result with Jackson.
     * Same as {@link #call(String, Object, Type, CallOptions)}.
     */
    <T> CompletableFuture<T> call(String method, Object params, Class<T> resultType);

    /**
     * Calls a remote method, {@code service.method}. {@code params} is encoded with Jackson: an
     * {@code Object[]} or a list as a JSON array (parameters by position), a record, bean or map
     * as a JSON object (parameters by name, or the single parameter itself), any other value as
     * that value (the single parameter); {@code null} sends no parameters.
     *
     * <p>The future completes with the result decoded into {@code resultType} (for example a
     * {@code ParameterizedType} of {@code List<Item>}) or fails with an {@link RpcCallException}
     * carrying the node's code, message and details. Cancelling the future sends RPC_CANCEL, so
     * the node stops the work. A call in flight when the connection breaks fails with
     * {@code CONNECTION_INTERRUPTED}, {@link RpcCallException#retryable() retryable}; the client
     * never sends it again by itself. A call the node does not answer within its timeout plus a
     * second fails with {@code DEADLINE_EXCEEDED}.
     */
    <T> CompletableFuture<T> call(String method, Object params, Type resultType, CallOptions options);

    /**
     * Calls a remote method whose result is a stream of items, with the client's default timeout and
     * high-water mark. Same as {@link #callStream(String, Object, Class, CallOptions)}.
     *
     * @since 1.4
     */
    <T> Flow.Publisher<T> callStream(String method, Object params, Class<T> itemType);

    /**
     * Calls a remote method whose result is a stream of items (docs/protocol.md 6.4), as a cold
     * publisher: each subscription makes one call, when it subscribes. {@code params} is encoded
     * as for {@link #call(String, Object, Type, CallOptions)}; an {@code Object[]} or list of
     * parameters may hold one {@link Flow.Publisher}, the method's streamed parameter, whose
     * items are sent as the node's credit allows (a bidirectional call).
     *
     * <p>The subscriber's {@code request(n)} drives the node's credit: the client holds at most
     * {@link CallOptions#streamHighWaterMark()} of items for it (granted to the node when the
     * stream opens) and gives credit back as {@code onNext} returns. Items are decoded with
     * Jackson into {@code itemType}; {@code byte[]} and {@link java.nio.ByteBuffer} items are the
     * raw bytes. The subscriber completes after the last item once the node has answered the call,
     * and fails with an {@link RpcCallException} carrying the code of the RPC_ERROR or STREAM_ERROR.
     * Cancelling the subscription cancels the call. The subscriber is signalled on the callback
     * executor, one signal at a time, in a lane of this stream's own: a subscriber that takes its
     * time holds up neither the answers of other calls nor other streams.
     *
     * <p>When the connection breaks and the client resumes its session with its token, an open
     * stream goes on where it stopped, in both directions, with no item lost or delivered twice
     * (docs/protocol.md 6.4.7): the subscriber sees a pause, the call's timeout keeps running, and a
     * cancel meanwhile reaches the node after the resume. The call fails with
     * {@code CONNECTION_INTERRUPTED}, {@link RpcCallException#retryable() retryable}, when there is
     * nothing to resume: the stream had not opened yet, the reconnect started a new session, the
     * node did not keep the stream or cannot resume streams, or the client gave up reconnecting.
     *
     * <p>When the node does not offer {@code STREAMS} now, the same call is made without streams
     * and the items come as one JSON array, published as the subscriber requests them; a streamed
     * parameter is then collected from its publisher and sent as a JSON array, and a call whose
     * array would not fit in the node's {@code maxFrameSize} fails with {@code MESSAGE_TOO_LARGE}
     * without being sent. A callee that cannot take a streamed parameter
     * ({@code STREAMING_UNAVAILABLE}) is called again that way; the parameter's publisher is then
     * subscribed a second time if it had been subscribed already.
     *
     * @since 1.4
     */
    <T> Flow.Publisher<T> callStream(String method, Object params, Class<T> itemType, CallOptions options);

    /**
     * Calls a remote method that takes a stream of items, with the client's default timeout. Same as
     * {@link #callWithStream(String, Object[], Type, CallOptions)}.
     *
     * @since 1.4
     */
    <T> CompletableFuture<T> callWithStream(String method, Object[] params, Class<T> resultType);

    /**
     * Calls a remote method that takes a stream of items: {@code params}, the parameters by
     * position, holds exactly one {@link Flow.Publisher}, the streamed parameter, which is sent as
     * JSON {@code null} while its items follow on the stream as the node's credit allows. The
     * publisher is subscribed once the node opens the stream; an error of the publisher fails the
     * call with {@code STREAM_FAILED}. The future completes with the method's result decoded into
     * {@code resultType}, as for {@link #call(String, Object, Type, CallOptions)}; cancelling it
     * cancels the call and the publisher's subscription. A broken connection is handled as for
     * {@link #callStream}: with a resumed session the stream goes on, and the items the node did not
     * get are sent again from the client's copies, not asked of the publisher a second time.
     *
     * <p>Without {@code STREAMS} on the session the items are collected and sent as one JSON array,
     * as described for {@link #callStream}; the publisher may then be subscribed a second time.
     *
     * @throws IllegalArgumentException when {@code params} holds no publisher or more than one
     * @since 1.4
     */
    <T> CompletableFuture<T> callWithStream(String method, Object[] params, Type resultType, CallOptions options);

    /**
     * A typed proxy of a remote service whose name comes from {@link ServiceName} or, without it,
     * from the interface's simple name with a lower-case first letter.
     */
    <T> T proxy(Class<T> api);

    /**
     * A typed proxy of the remote service {@code service}: each method of {@code api} calls
     * {@code service.methodName} with its arguments by position. Methods returning a
     * {@code CompletionStage} (or {@code CompletableFuture}) return at once; others block until
     * the result arrives or the default call timeout passes, and throw {@link RpcCallException}.
     * A {@link CallOptions} parameter is not sent but sets the call's options. Default methods run
     * locally.
     *
     * <p>A method that returns {@code Flow.Publisher<T>} streams its result and one parameter of
     * type {@code Flow.Publisher<T>} is a streamed parameter, as {@link #callStream} and
     * {@link #callWithStream} describe; a returned publisher makes its call when it is
     * subscribed.
     */
    <T> T proxy(Class<T> api, String service);

    /**
     * Provides a service to the node: RPC_REQUESTs for {@code service.*} reach {@code handler} on a
     * worker thread. The service is provided again after every reconnect until the registration
     * is closed.
     */
    Registration provide(String service, RpcHandler handler);

    /**
     * Provides the public methods of {@code impl}'s interfaces (or of its class when it implements
     * none outside the JDK) as {@code service}. Parameters are decoded with Jackson into the
     * declared parameter types, by position from a JSON array or by name from an object;
     * decoding errors are answered with {@code INVALID_PARAMS} and field errors. A parameter of
     * type {@link CallContext} receives the call's context. A cancelled call interrupts the method
     * or cancels the {@code CompletionStage} it returned. The descriptor sent to the node lists the
     * methods with their parameter and result types.
     *
     * <p>A method that returns {@code Flow.Publisher<T>} or takes one parameter of that type is
     * described as a streaming method ({@code Stream<T>}), with the credit its
     * {@link io.aldis.protocol.api.stream.StreamCredit} declares. The node calls a provider
     * without streams, so such calls are served with batches: a streamed parameter arrives as a JSON
     * array and reaches the method as a publisher of its items, and the items of a returned
     * publisher are collected into one JSON array, which must fit in one frame of the session's
     * {@code maxFrameSize} ({@code MESSAGE_TOO_LARGE} otherwise; a failing publisher gives
     * {@code STREAM_FAILED}). A call that comes with {@code STREAMS} is answered with a batch too
     * for a streamed result, and with {@code STREAMING_UNAVAILABLE} for a streamed parameter, so
     * that the caller sends the items as an array.
     *
     * @throws IllegalArgumentException for a streaming method the protocol does not allow (two
     *         streamed parameters, {@code StreamCredit} settings that do not go together)
     */
    Registration provide(String service, Object impl);

    /** Provides {@code impl} under the name {@link #proxy(Class)} would use for {@code api}, with the methods of {@code api}. */
    <T> Registration provide(Class<T> api, T impl);

    // ---------------------------------------------------------------- publish/subscribe and messages

    /** Publishes {@code payload} on {@code subject}; see {@link #publish(String, byte[], String, Map)}. */
    CompletableFuture<Void> publish(String subject, byte[] payload);

    /**
     * Publishes with an optional reply subject ({@code null} or empty for none) and optional
     * headers. The future completes once the frame is written: the node does not acknowledge
     * publishes, and reports a refused one (invalid subject, no permission, rate limit, too
     * large) as a connection-level ERROR to {@link ConnectionListener#error}.
     */
    CompletableFuture<Void> publish(String subject, byte[] payload, String replyTo, Map<String, String> headers);

    /** Subscribes to a subject pattern ({@code *} one token, {@code >} the rest) with the node's default options. */
    Subscription subscribe(String pattern, MessageHandler handler);

    /** Subscribes as a member of a queue group: each message goes to one member of the group. */
    Subscription subscribe(String pattern, String queueGroup, MessageHandler handler);

    /**
     * Subscribes with options. The subscription is returned at once; {@link Subscription#ready()}
     * tells when the node accepted or refused it. After an automatic reconnect the client
     * subscribes again with the same id, so the node holds each subscription once.
     */
    Subscription subscribe(String pattern, SubscribeOptions options, MessageHandler handler);

    /**
     * Publishes a request with a reply subject of this client's inbox and completes with the
     * first answer. Fails with {@code NO_RESPONDERS} when nobody subscribes to {@code subject},
     * and with {@code REQUEST_TIMEOUT} when no answer arrives within {@code timeout}.
     */
    CompletableFuture<Delivery> requestReply(String subject, byte[] payload, Duration timeout);

    /**
     * Sends a typed MESSAGE to the node's handler for {@code type} and completes with its reply,
     * matched by correlation id. Fails with {@code NO_HANDLER} when no handler serves the type,
     * with the handler's error code when it fails, and with {@code CONNECTION_INTERRUPTED} when the
     * connection breaks first (the message is not sent again).
     */
    CompletableFuture<Message> send(String type, byte[] payload);

    /**
     * Uploads the local file {@code local} to the node under {@code remoteName} (a path relative
     * to the user's storage area, with {@code /} between segments). The file is read once, in
     * chunks, while it is sent; its SHA-256 goes with the last frame and the node publishes the
     * file only when its own hash matches. A broken connection does not end the upload: it
     * resumes once the client has reconnected, sending only what the node misses. Uploading the
     * same file to the same name again, after the application stopped, goes on from the
     * checkpoint in {@link TransferOptions#checkpointDirectory()} as long as the file is unchanged
     * (same size and modification time).
     *
     * <p>The result fails with a {@link FileTransferException}: {@code FILE_TOO_LARGE} above the
     * node's limit, {@code STORAGE_FULL} or {@code QUOTA_EXCEEDED} (with available and requested
     * bytes), {@code UPLOAD_REJECTED}, {@code INVALID_FILE_NAME}, {@code FORBIDDEN},
     * {@code FILE_HASH_MISMATCH}, {@code UPLOAD_CONFLICT} when the file under the name changed
     * after the upload began (another upload published it first, or it was removed or modified;
     * nothing is stored), {@code CAPABILITY_UNAVAILABLE} when the node has no file transfer,
     * {@code CANCELLED} after {@link Transfer#cancel()}.
     *
     * @since 1.5
     */
    Transfer upload(Path local, String remoteName, TransferOptions options);

    /** {@link #upload(Path, String, TransferOptions)} with the default options. */
    default Transfer upload(Path local, String remoteName) {
        return upload(local, remoteName, TransferOptions.defaults());
    }

    /**
     * Downloads {@code remoteName} from the node into {@code local}. Chunks are written into a
     * partial file beside it ({@code <local>.aldis-part}), with a checkpoint beside that
     * ({@code <local>.aldis-checkpoint}) and a note of the chunks written since
     * ({@code <local>.aldis-written}); the partial file becomes {@code local} in one atomic
     * rename only once the whole file's SHA-256 matched the node's, so {@code local} never holds
     * part of a file. A broken connection does not end the download, and downloading the same
     * name to the same path again, after the application stopped, goes on from the checkpoint.
     *
     * <p>The result fails with a {@link FileTransferException}: {@code FILE_NOT_FOUND_ON_SERVER},
     * {@code DOWNLOAD_REJECTED}, {@code INVALID_FILE_NAME}, {@code FORBIDDEN},
     * {@code FILE_HASH_MISMATCH} (nothing is left under {@code local}), {@code STORAGE_ERROR}
     * when the local file cannot be written, {@code CANCELLED} after {@link Transfer#cancel()}.
     *
     * @since 1.5
     */
    Transfer download(String remoteName, Path local, TransferOptions options);

    /** {@link #download(String, Path, TransferOptions)} with the default options. */
    default Transfer download(String remoteName, Path local) {
        return download(remoteName, local, TransferOptions.defaults());
    }

    /**
     * Lists the files of the user's storage area whose names match the glob {@code pattern}
     * ({@code *} within a segment, {@code **} across segments, {@code ?}, {@code [...]}; empty =
     * every file), sorted by name: at most {@code limit} of them after skipping {@code offset}
     * (the node returns at most 1000 at a time), and how many match in all.
     *
     * @since 1.5
     */
    CompletableFuture<FilePage> list(String pattern, int offset, int limit);

    /**
     * Deletes a published file from the user's storage area. Fails with
     * {@code FILE_NOT_FOUND_ON_SERVER}, {@code INVALID_FILE_NAME} or {@code FORBIDDEN}.
     *
     * @since 1.5
     */
    CompletableFuture<Void> remove(String remoteName);

    /**
     * Closes gracefully: sends CLOSE, waits for CLOSE_ACK (or the close timeout), closes the socket
     * and releases the client's threads. The client does not reconnect afterwards and cannot be
     * connected again. Calling it again returns the same future.
     */
    CompletableFuture<Void> close();

    /** Collects the settings of a client. Not thread-safe; build once. */
    final class Builder {
        private List<ClientConfig.Address> addresses = List.of(new ClientConfig.Address("127.0.0.1", 7440));
        private String user;
        private char[] password;
        private String mechanism = "SCRAM-SHA-256";
        private TrustManagerFactory trustManagers;
        private boolean hostnameVerification = true;
        private ReconnectPolicy reconnect = ReconnectPolicy.defaultPolicy();
        private boolean retryInitialConnect;
        private final List<ConnectionListener> listeners = new ArrayList<>();
        private String clientName = "aldis-java-client";
        private UUID clientId;
        private Set<Capability> capabilities = defaultCapabilities();
        private final Map<String, SizeFunction> sizeFunctions = new LinkedHashMap<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private int maxQueuedWhilePaused = 10_000;
        private int maxFrameSize = 16 * 1024 * 1024;
        private EventLoopGroup eventLoopGroup;
        private Duration callTimeout = Duration.ofSeconds(30);
        private Executor handlerExecutor;
        private Executor callbackExecutor;
        private Duration callbackOnIoThreadLimit = Duration.of(250, ChronoUnit.MICROS);
        private String inboxPrefix = "_inbox";
        private Duration idleSpin = Duration.of(SpinWindow.DEFAULT_CAP_MICROS, ChronoUnit.MICROS);

        Builder() {
        }

        /** The node's host and port; default {@code 127.0.0.1:7440}. Replaces any addresses given before. */
        public Builder address(String host, int port) {
            this.addresses = List.of(checked(host, port));
            return this;
        }

        /**
         * Several nodes of one cluster, each as {@code host:port} ({@code [v6address]:port} for an
         * IPv6 address). The client connects to the first that answers, trying each in the order
         * given. When it loses its connection, it tries each of the other addresses it knows once,
         * at once, from the next one round the list, and resumes the session with its resume token
         * on the first that answers; only when none does, it waits the {@link #reconnect reconnect
         * policy}'s delays, each attempt after a delay going to the next address round the list. It
         * makes at most one such round of tries at once per first delay of the policy, so
         * that nodes that take sessions and drop them do not have it back in a loop. Replaces any
         * addresses given before. A node in a cluster also tells the client where the other nodes are; the
         * client adds them after these and tries them too ({@link AldisClient#knownAddresses()}),
         * so one address of a cluster is enough to fail over.
         *
         * @throws IllegalArgumentException if there is none, or one is not {@code host:port} with a
         *                                  port from 1 to 65535
         * @since 1.5
         */
        public Builder addresses(String... hostAndPorts) {
            if (hostAndPorts.length == 0) {
                throw new IllegalArgumentException("give at least one node address as host:port");
            }
            List<ClientConfig.Address> parsed = new ArrayList<>();
            for (String hostAndPort : hostAndPorts) {
                parsed.add(parse(hostAndPort));
            }
            this.addresses = List.copyOf(parsed);
            return this;
        }

        private static ClientConfig.Address parse(String hostAndPort) {
            Objects.requireNonNull(hostAndPort, "address");
            String text = hostAndPort.trim();
            int colon = text.lastIndexOf(':');
            String host = colon > 0 ? text.substring(0, colon) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (colon <= 0 || host.isEmpty() || colon == text.length() - 1) {
                throw new IllegalArgumentException("a node address must be host:port, got '" + hostAndPort + "'");
            }
            try {
                return checked(host, Integer.parseInt(text.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a node address must be host:port, got '" + hostAndPort + "'", e);
            }
        }

        private static ClientConfig.Address checked(String host, int port) {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return new ClientConfig.Address(Objects.requireNonNull(host, "host"), port);
        }

        /**
         * The user and password to authenticate with. The client keeps a copy of the password
         * for re-authentication after a reconnect and wipes it on {@link AldisClient#close()};
         * the caller may wipe its own array at once.
         */
        public Builder credentials(String user, char[] password) {
            this.user = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /**
         * The authentication mechanism: {@code SCRAM-SHA-256} (the default, never sends the
         * password) or {@code PLAIN} (sends it; the node accepts it only over TLS or loopback).
         */
        public Builder mechanism(String mechanism) {
            String m = Objects.requireNonNull(mechanism, "mechanism").toUpperCase(java.util.Locale.ROOT);
            if (!m.equals("SCRAM-SHA-256") && !m.equals("PLAIN")) {
                throw new IllegalArgumentException("unsupported mechanism: " + mechanism);
            }
            this.mechanism = m;
            return this;
        }

        /** Connects with TLS (1.3 or 1.2, the JDK's implementation), trusting what {@code tmf} trusts. */
        public Builder tls(TrustManagerFactory tmf) {
            this.trustManagers = Objects.requireNonNull(tmf, "tmf");
            return this;
        }

        /** Connects with TLS, trusting the certificates in a PKCS12 trust store file. */
        public Builder tls(Path trustStore, char[] password) {
            try (InputStream in = Files.newInputStream(trustStore)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, password);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                return tls(tmf);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read trust store " + trustStore, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot load trust store " + trustStore, e);
            }
        }

        /**
         * Whether TLS checks that the node's certificate names the host given to
         * {@link #address}; default true. Turn it off only for test certificates.
         */
        public Builder hostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        /**
         * How to reconnect after a lost connection; default
         * {@code exponential(1 s, 30 s, 10).withJitter(0.2)}. {@link ReconnectPolicy#none()}
         * disables it.
         */
        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Whether a failure of the very first connection is retried with the reconnect policy;
         * default false: {@link AldisClient#connect()} fails at once.
         */
        public Builder retryInitialConnect(boolean retry) {
            this.retryInitialConnect = retry;
            return this;
        }

        /** Adds a listener; may be called several times. */
        public Builder listener(ConnectionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** A name and version shown to operators, such as {@code my-app/1.0}. */
        public Builder clientName(String name) {
            this.clientName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The client's id in CONNECT; default a random id, stable for the life of the client. */
        public Builder clientId(UUID id) {
            this.clientId = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * The capabilities announced in CONNECT; default all, but without {@code LZ4} when lz4-java
         * is not on the class path (file chunks then travel uncompressed), and without
         * {@code STREAMS} when Jackson is not (streams carry their items as JSON).
         */
        public Builder capabilities(Set<Capability> capabilities) {
            this.capabilities = EnumSet.noneOf(Capability.class);
            this.capabilities.addAll(capabilities);
            return this;
        }

        /** How long opening and authenticating one connection may take; default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long {@link AldisClient#close()} waits for CLOSE_ACK; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /**
         * How many frames may wait while the node has paused the client or the connection takes
         * no more for now (its write buffer is full); default 10 000. Sends beyond it fail with
         * {@code BUSY}.
         */
        public Builder maxQueuedWhilePaused(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxQueuedWhilePaused must not be negative: " + max);
            }
            this.maxQueuedWhilePaused = max;
            return this;
        }

        /** The largest frame accepted from the node, in bytes; default 16 MiB. */
        public Builder maxFrameSize(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxFrameSize too small: " + bytes);
            }
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * A Netty NIO event loop group to share with other clients. The client never shuts down
         * a group it was given; by default it creates and owns a group with one thread, which uses
         * Linux's native epoll where Netty's native library loads and NIO elsewhere (system
         * property {@code aldis.io}: {@code auto}, {@code epoll} or {@code nio}).
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * The timeout of calls that do not set their own (and of blocking proxy methods and typed
         * messages); default 30 s.
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        /**
         * Where the handlers of provided services run; default a pool of daemon threads shared by
         * the clients of this JVM.
         */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Where the client's callbacks run: the futures it returns complete there, and connection
         * listeners, subscription and message handlers are called there, one at a time and in the
         * order things happened (the subscriber of a streamed result is signalled in order too,
         * but beside the other callbacks, in a lane of its stream's own).
         *
         * <p>By default callbacks run on the I/O thread that read what they handle, as long as they
         * return within {@link #callbackOnIoThreadLimit} (250 µs): that spares two hand-overs
         * between threads per round trip, and calls made from a callback are written at once. Once
         * callbacks are seen to hold the I/O thread longer (a second one past the limit within
         * 1 024, or one a hundred times past it: a single one may just have been caught by a pause
         * of the machine), the client's callbacks run on a pool of daemon threads shared by the
         * clients of this JVM, and come back after a long run of prompt ones there. A callback that
         * blocks therefore stalls the connection once or twice, for as long as it blocks. The
         * subscriber of a streamed result is not judged: its lane runs on the pool.
         *
         * <p>Callbacks run one at a time wherever they run, so one that waited for an answer of
         * this client would wait for good: {@code join()} and {@code get()} on the futures the
         * client returns (and on stages derived from them while they are not done), and a
         * blocking proxy method, throw {@link IllegalStateException} there at once. A handler that
         * needs an answer chains on the future ({@code thenAccept}, {@code thenCompose}) instead.
         * A callback on the I/O thread holds the connection while it runs; one that blocks for two
         * heartbeat intervals loses it.
         *
         * <p>Giving an executor here replaces that judgement: every callback runs on it. An
         * executor that runs each task in the calling thread ({@code Runnable::run}) keeps them
         * all on the I/O thread, however long they take; a pool keeps them all off it. Connection
         * events that happen while the client changes state reach it by way of the shared pool, so
         * that they never run under a lock of the client.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * How long a callback may hold the client's I/O thread: callbacks seen to take longer move
         * the client's callbacks to the shared callback pool (see {@link #callbackExecutor} for
         * when exactly); default 250 µs,
         * {@link Duration#ZERO} to run every callback on the pool. Ignored when a
         * {@link #callbackExecutor} is given.
         *
         * @since 1.6
         */
        public Builder callbackOnIoThreadLimit(Duration limit) {
            Objects.requireNonNull(limit, "limit");
            if (limit.isNegative()) {
                throw new IllegalArgumentException("callbackOnIoThreadLimit cannot be negative");
            }
            this.callbackOnIoThreadLimit = limit;
            return this;
        }

        /**
         * The longest the client's own threads (its event loop when it creates one, the thread that
         * runs its callbacks by default) keep looking for work after they run out, before they
         * sleep; default 200 µs, {@link Duration#ZERO} to sleep at once.
         *
         * <p>Waking a sleeping thread costs tens of microseconds on virtual machines, more than a
         * round trip on a local network. A thread that stays awake (giving its processor to any
         * other thread that is ready) picks up the answer to the call it just sent without that
         * cost. It stays awake only while answers and messages have been following each other
         * within that time: twice the middle of the recent gaps, within this limit, and not at all
         * when the gaps are longer, so an idle client spends nothing.
         */
        public Builder idleSpin(Duration max) {
            Objects.requireNonNull(max, "max");
            if (max.isNegative()) {
                throw new IllegalArgumentException("idleSpin cannot be negative");
            }
            this.idleSpin = max;
            return this;
        }

        /**
         * The first token of the reply subjects of {@link AldisClient#requestReply}; default
         * {@code _inbox}. Each client adds a random token of its own.
         */
        public Builder inboxPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty() || prefix.contains("*") || prefix.contains(">") || prefix.startsWith("$sys")
                    || prefix.chars().anyMatch(c -> c <= ' ' || c == '.')) {
                throw new IllegalArgumentException("inboxPrefix must be one plain subject token: " + prefix);
            }
            this.inboxPrefix = prefix;
            return this;
        }

        /**
         * Registers a size function for streams in {@code custom} credit mode (docs/protocol.md
         * 6.4.4) under its {@link SizeFunction#name() name}; a stream whose STREAM_OPEN names a
         * function not registered here is refused with {@code UNKNOWN_SIZE_FUNCTION}. A second
         * function with the same name replaces the first.
         *
         * @since 1.4
         */
        public Builder sizeFunction(SizeFunction function) {
            Objects.requireNonNull(function, "function");
            String name = function.name();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a size function needs a name");
            }
            sizeFunctions.put(name, function);
            return this;
        }

        /** A new client in state {@link ClientState#NEW}. */
        public AldisClient build() {
            ClientConfig config = new ClientConfig(addresses, user, password == null ? null : password.clone(),
                    mechanism, trustManagers, hostnameVerification, reconnect, retryInitialConnect,
                    List.copyOf(listeners), clientName, clientId != null ? clientId : UUID.randomUUID(),
                    Capability.maskOf(capabilities), connectTimeout, closeTimeout, maxQueuedWhilePaused,
                    maxFrameSize, eventLoopGroup, callTimeout, handlerExecutor, callbackExecutor, callbackOnIoThreadLimit,
                    inboxPrefix, idleSpin, Map.copyOf(sizeFunctions));
            return new DefaultAldisClient(config);
        }

        private static Set<Capability> defaultCapabilities() {
            Set<Capability> all = EnumSet.complementOf(EnumSet.of(Capability.LZ4));
            try {
                // Chunks are compressed by the protocol's codec, with lz4-java beside it.
                Class.forName("net.jpountz.lz4.LZ4Factory", false,
                        io.aldis.protocol.api.files.ChunkCodec.class.getClassLoader());
                all.add(Capability.LZ4);
            } catch (ClassNotFoundException | LinkageError noLz4) {
                // file chunks travel uncompressed
            }
            try {
                Class.forName("com.fasterxml.jackson.databind.ObjectMapper", false, AldisClient.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError noJackson) {
                all.remove(Capability.STREAMS);
            }
            return all;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
