package io.aldis.feature.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the node's side of SCRAM-SHA-256 ({@link ScramSha256Mechanism}) with the two messages a
 * client sends: the input is the client-first message, a zero byte, and the client-final message,
 * in which the text {@code {nonce}} stands for the nonce the node answered with (so the fuzzer
 * reaches the proof check, which it could not guess its way to). The contract: the first message
 * gets a challenge or a failure, the second a failure (no proof is right without the password),
 * and every failure's reason is one of the mechanism's own, never an exception's text.
 */
class ScramServerFuzzTest {
    /** Where the one user's credentials live for the test class; deleted after it. */
    private static final Path DIR = tempDirectory();
    private static final ScramSha256Mechanism MECHANISM = new ScramSha256Mechanism(store());
    /** The beginnings of every reason the mechanism gives; anything else leaked from a library. */
    private static final List<String> REASONS = List.of("authorization identity differs from the user",
            "channel binding does not match the GS2 header", "channel binding is not supported",
            "client-final-message must be c=, r=, ..., p=", "client-first-message must start with n= and r=",
            "empty message", "empty user name", "invalid attribute name at offset ", "invalid base64 in ",
            "invalid client nonce", "invalid credentials", "invalid escape in user name",
            "malformed attribute at offset ", "message is not valid UTF-8", "missing GS2 header", "missing proof",
            "nonce does not match this exchange", "proof has the wrong length", "repeated attribute ",
            "unsupported mandatory extension", "exchange already finished");

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("scram-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void deleteTheCredentials() throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static CredentialStore store() {
        CredentialStore store = new CredentialStore(DIR.resolve("users.properties"), 4096, false);
        store.add("alice", "pencil".toCharArray(), Set.of("ops"));
        return store;
    }

    @FuzzTest
    void challengesOrFailsInItsOwnWords(byte[] input) {
        int split = indexOf(input, (byte) 0);
        byte[] first = split < 0 ? input : Arrays.copyOfRange(input, 0, split);
        byte[] last = split < 0 ? null : Arrays.copyOfRange(input, split + 1, input.length);

        AuthenticationExchange exchange = MECHANISM.start(TestConnection.remote(false));
        AuthStep answer = exchange.step(first).toCompletableFuture().join();
        if (answer instanceof AuthStep.Failure failure) {
            ownReason(failure);
            return;
        }
        assertThat(answer).isInstanceOf(AuthStep.Challenge.class);
        if (last == null) {
            return;
        }
        String serverFirst = new String(((AuthStep.Challenge) answer).data(), StandardCharsets.UTF_8);
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        byte[] clientFinal = new String(last, StandardCharsets.ISO_8859_1).replace("{nonce}", nonce)
                .getBytes(StandardCharsets.ISO_8859_1);
        AuthStep result = exchange.step(clientFinal).toCompletableFuture().join();
        assertThat(result).as("no proof is right without the password").isInstanceOf(AuthStep.Failure.class);
        ownReason((AuthStep.Failure) result);
    }

    private static void ownReason(AuthStep.Failure failure) {
        assertThat(REASONS).as("reason: %s", failure.reason()).anyMatch(failure.reason()::startsWith);
        assertThat(failure.reason()).doesNotContain("\n");
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
