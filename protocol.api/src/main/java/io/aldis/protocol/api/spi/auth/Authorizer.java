package io.aldis.protocol.api.spi.auth;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's one permission model, registered as an OSGi service by the authorization feature
 * and asked by every feature before it acts for a user: pub/sub for subjects, RPC for services
 * and methods, typed messages for message types, file transfer for paths. A feature that finds no
 * Authorizer denies everything but what {@link #DEFAULT} allows.
 *
 * <p>Domains and actions used by the features: {@value #PUBSUB} with {@code publish} and
 * {@code subscribe} on subjects, and {@value #BLOCK} on the subjects of a subscription that asks
 * for the slow-consumer policy {@code block} (which pauses the publishers it cannot keep up with); {@value #RPC} with {@code call} and {@code provide} on
 * {@code service.method} names; {@value #MESSAGES} with {@code send} on message types;
 * {@value #FILES} with {@code read}, {@code write}, {@code list} and {@code delete} on paths relative
 * to the user's storage area.
 *
 * <p>Resources and patterns per domain: a subject is dot-separated tokens, and a subject pattern
 * uses {@code *} for one token and {@code >}, as the last token, for one or more. An RPC name is
 * {@code service.method}, the method being the last token (service names may contain dots). A
 * message type is the {@code messageType} of a MESSAGE frame exactly as sent; types are named
 * like subjects ({@code orders.create}), and a message-type pattern is written like a subject
 * pattern. A path is '/'-separated and relative to the storage root, the root itself being the
 * empty path; features hand over normalized paths, and the authorization feature allows no path
 * with an empty, {@code .} or {@code ..} segment, a leading '/' or a backslash.
 * Subjects that begin with {@code $sys} are reserved for system events, and message types that
 * begin with {@code $sys} for the node too: a grant on patterns that begin with a wildcard does not
 * reach them.
 */
@ProviderType
public interface Authorizer {
    /** Domain of publish/subscribe subjects. */
    String PUBSUB = "pubsub";
    /** Domain of RPC services and methods. */
    String RPC = "rpc";
    /**
     * Action of domain {@value #PUBSUB}: subscribing with the slow-consumer policy {@code block},
     * which lets the subscriber pause other users' publishers.
     */
    String BLOCK = "block";
    /** Domain of file-transfer paths. */
    String FILES = "files";
    /**
     * Domain of typed messages: the resources are message types, the only action is
     * {@code send} (a client sending a MESSAGE of that type to the handler serving it).
     */
    String MESSAGES = "messages";

    /**
     * Whether {@code user} may do {@code action} on {@code resource} of {@code domain}. The
     * resource is concrete (a subject, never a wildcard pattern).
     */
    boolean permits(AuthenticatedUser user, String domain, String resource, String action);

    /**
     * Whether {@code user} may do {@code action} on every resource a pattern can match (a
     * wildcard subscription, say). Answers false when only some of them are allowed, and may
     * answer false when it cannot tell; it answers true only if {@link #permits} would allow every
     * resource the pattern matches, where a wildcard first token of a subject pattern is taken to
     * reach reserved {@code $sys} subjects too. After false the feature checks each concrete
     * resource with {@link #permits}.
     */
    boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action);

    /**
     * What holds when no authorization feature is installed: users with the role {@code admin}
     * may do anything; others may do anything outside the reserved {@code $sys} subjects except
     * {@value #BLOCK}. The same test is made in every domain, so other users may also send every
     * message type except those that begin with {@code $sys}.
     */
    Authorizer DEFAULT = new Authorizer() {
        @Override
        public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
            return user.roles().contains("admin") || !(resource.startsWith("$sys") || BLOCK.equals(action));
        }

        @Override
        public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
            return user.roles().contains("admin") || !(pattern.startsWith("$sys") || pattern.startsWith("*")
                    || pattern.startsWith(">") || BLOCK.equals(action));
        }
    };
}
