package io.aldis.feature.filetransfer.api;

import java.util.Objects;

/**
 * A {@link TransferPolicy}'s answer.
 *
 * @param allowed whether the transfer may start
 * @param reason  why not, in words for the client; empty when allowed
 */
public record Verdict(boolean allowed, String reason) {
    private static final Verdict ALLOW = new Verdict(true, "");

    public Verdict {
        Objects.requireNonNull(reason, "reason");
    }

    /** The transfer may start. */
    public static Verdict allow() {
        return ALLOW;
    }

    /** The transfer is refused; {@code reason} is sent to the client. */
    public static Verdict refuse(String reason) {
        return new Verdict(false, reason);
    }
}
