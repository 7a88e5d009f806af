package io.aldis.protocol.api.spi.auth;

import java.util.Objects;

/** The outcome of one step of an {@link AuthenticationExchange}. */
public sealed interface AuthStep {
    /** The exchange continues: send this challenge and wait for the client's response. */
    record Challenge(byte[] data) implements AuthStep {
        public Challenge {
            Objects.requireNonNull(data, "data");
        }
    }

    /** The client is authenticated; {@code data} is the mechanism's final message, may be empty. */
    record Success(AuthenticatedUser user, byte[] data) implements AuthStep {
        public Success {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * The attempt failed. The client always gets the same uniform error; {@code reason} is only
     * logged. {@code user} names the account tried, when known, so failures can be throttled.
     */
    record Failure(String user, String reason) implements AuthStep {
        public Failure {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
