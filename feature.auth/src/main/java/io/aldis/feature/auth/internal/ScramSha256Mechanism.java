package io.aldis.feature.auth.internal;

import io.aldis.protocol.api.scram.ScramCredentials;
import io.aldis.protocol.api.scram.ScramException;
import io.aldis.protocol.api.scram.ScramSha256;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) against the {@link CredentialStore}.
 *
 * <p>Every exchange draws its own server nonce, so messages recorded on one connection are
 * useless on another. An unknown user gets a server-first-message of the same shape as a real
 * one, with a salt derived from the store's secret and the name, so that it is the same on every
 * attempt, and fails at the final step exactly like a wrong password.
 */
// Ranked above PLAIN, so CONNECT_ACK lists it first: it never sends the password, and it knows
// every user of the node's own store, which PLAIN (a JAAS realm's users) does not.
@Component(service = AuthenticationMechanism.class, property = "service.ranking:Integer=100")
public final class ScramSha256Mechanism implements AuthenticationMechanism {
    private static final int SALT_LENGTH = ScramCredentials.SALT_LENGTH;

    private final CredentialStore store;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public ScramSha256Mechanism(@Reference CredentialStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public String name() {
        return ScramSha256.MECHANISM;
    }

    @Override
    public AuthenticationExchange start(TransportConnection connection) {
        return new Exchange();
    }

    private final class Exchange implements AuthenticationExchange {
        private enum State { FIRST, FINAL, DONE }

        private State state = State.FIRST;
        private String user;
        private String gs2Header;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;
        private ScramCredentials credentials;

        @Override
        public synchronized CompletionStage<AuthStep> step(byte[] clientMessage) {
            AuthStep result;
            try {
                result = switch (state) {
                    case FIRST -> first(clientMessage);
                    case FINAL -> last(clientMessage);
                    case DONE -> new AuthStep.Failure(user, "exchange already finished");
                };
            } catch (ScramException e) {
                result = new AuthStep.Failure(user, e.getMessage());
            } catch (RuntimeException e) {
                // A mechanism answers Failure on any input; an exception would escape into the core.
                result = new AuthStep.Failure(user, "malformed SCRAM message: " + e);
            }
            state = result instanceof AuthStep.Challenge ? State.FINAL : State.DONE;
            return CompletableFuture.completedFuture(result);
        }

        private AuthStep first(byte[] message) throws ScramException {
            String text = ScramSha256.utf8(message);
            // gs2-header = gs2-cbind-flag "," [ authzid ] ","
            int firstComma = text.indexOf(',');
            int secondComma = firstComma < 0 ? -1 : text.indexOf(',', firstComma + 1);
            if (secondComma < 0) {
                throw new ScramException("missing GS2 header");
            }
            String flag = text.substring(0, firstComma);
            String authzid = text.substring(firstComma + 1, secondComma);
            clientFirstBare = text.substring(secondComma + 1);
            Map<Character, String> attrs = ScramSha256.attributes(clientFirstBare);
            Character[] order = attrs.keySet().toArray(new Character[0]);
            if (order.length < 2 || order[0] != 'n' || order[1] != 'r') {
                throw new ScramException("client-first-message must start with n= and r=");
            }
            user = ScramSha256.unescapeUser(attrs.get('n'));
            if (!flag.equals("n") && !flag.equals("y")) {
                throw new ScramException("channel binding is not supported");
            }
            if (!authzid.isEmpty()) {
                if (!authzid.startsWith("a=") || !ScramSha256.unescapeUser(authzid.substring(2)).equals(user)) {
                    throw new ScramException("authorization identity differs from the user");
                }
            }
            if (attrs.containsKey('m')) {
                throw new ScramException("unsupported mandatory extension");
            }
            if (user.isEmpty()) {
                throw new ScramException("empty user name");
            }
            String clientNonce = attrs.get('r');
            if (!ScramSha256.validNonce(clientNonce)) {
                throw new ScramException("invalid client nonce");
            }
            gs2Header = text.substring(0, secondComma + 1);
            nonce = clientNonce + ScramSha256.nonce(random);

            Optional<StoredUser> known = store.find(user);
            byte[] salt;
            int iterations;
            if (known.isPresent()) {
                credentials = known.get().credentials();
                salt = credentials.salt();
                iterations = credentials.iterations();
            } else {
                credentials = null;
                salt = Arrays.copyOf(ScramSha256.hmac(store.secret(),
                        ("scram-salt:" + user).getBytes(StandardCharsets.UTF_8)), SALT_LENGTH);
                iterations = store.iterations();
            }
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
            return new AuthStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
        }

        private AuthStep last(byte[] message) throws ScramException {
            String text = ScramSha256.utf8(message);
            int proofAt = text.lastIndexOf(",p=");
            if (proofAt < 0) {
                throw new ScramException("missing proof");
            }
            String withoutProof = text.substring(0, proofAt);
            Map<Character, String> attrs = ScramSha256.attributes(text);
            Character[] order = attrs.keySet().toArray(new Character[0]);
            if (order.length < 3 || order[0] != 'c' || order[1] != 'r' || order[order.length - 1] != 'p') {
                throw new ScramException("client-final-message must be c=, r=, ..., p=");
            }
            byte[] binding = ScramSha256.base64(attrs.get('c'), "channel binding");
            if (!Arrays.equals(binding, gs2Header.getBytes(StandardCharsets.UTF_8))) {
                throw new ScramException("channel binding does not match the GS2 header");
            }
            if (!attrs.get('r').equals(nonce)) {
                throw new ScramException("nonce does not match this exchange");
            }
            byte[] proof = ScramSha256.base64(attrs.get('p'), "proof");
            if (proof.length != ScramSha256.KEY_LENGTH) {
                throw new ScramException("proof has the wrong length");
            }
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                    .getBytes(StandardCharsets.UTF_8);
            // The same work is done for unknown users, with keys that can never match.
            ScramCredentials checked = credentials != null ? credentials : decoy();
            byte[] clientKey = ScramSha256.xor(proof, ScramSha256.hmac(checked.storedKey(), authMessage));
            boolean proofOk = ScramSha256.constantTimeEquals(ScramSha256.sha256(clientKey), checked.storedKey());
            // The account must still exist with the same keys: removed or re-keyed users fail.
            Optional<StoredUser> current = store.find(user);
            if (!proofOk || credentials == null || current.isEmpty() || !current.get().credentials().equals(credentials)) {
                throw new ScramException("invalid credentials");
            }
            byte[] signature = ScramSha256.hmac(credentials.serverKey(), authMessage);
            byte[] serverFinal = ("v=" + Base64.getEncoder().encodeToString(signature)).getBytes(StandardCharsets.UTF_8);
            return new AuthStep.Success(new AuthenticatedUser(user, current.get().roles(), ScramSha256.MECHANISM), serverFinal);
        }

        private ScramCredentials decoy() {
            byte[] key = new byte[ScramSha256.KEY_LENGTH];
            random.nextBytes(key);
            return new ScramCredentials(new byte[] {0}, ScramSha256.MIN_ITERATIONS, key, key);
        }
    }
}
