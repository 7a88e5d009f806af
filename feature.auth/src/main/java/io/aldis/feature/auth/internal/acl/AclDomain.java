package io.aldis.feature.auth.internal.acl;

import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.List;

/** The domains the node authorizes, their actions and their pattern syntaxes. */
public enum AclDomain {
    PUBSUB(Authorizer.PUBSUB, 0, "publish", "subscribe", Authorizer.BLOCK),
    RPC(Authorizer.RPC, 3, "call", "provide"),
    FILES(Authorizer.FILES, 5, "read", "write", "list", "delete"),
    MESSAGES(Authorizer.MESSAGES, 9, "send");

    /** The number of (domain, action) pairs, the size of the per-user tables. */
    static final int PAIRS = 10;

    private final String id;
    private final int firstPair;
    private final List<String> actions;

    AclDomain(String id, int firstPair, String... actions) {
        this.id = id;
        this.firstPair = firstPair;
        this.actions = List.of(actions);
    }

    /** The name used in rules and by the features. */
    public String id() {
        return id;
    }

    /** The actions of this domain. */
    public List<String> actions() {
        return actions;
    }

    /** The domain named {@code id}, or null. */
    public static AclDomain of(String id) {
        switch (id) {
            case Authorizer.PUBSUB:
                return PUBSUB;
            case Authorizer.RPC:
                return RPC;
            case Authorizer.FILES:
                return FILES;
            case Authorizer.MESSAGES:
                return MESSAGES;
            default:
                return null;
        }
    }

    /** The index of (this domain, action) among all pairs, or -1 for an action it does not know. */
    int pair(String action) {
        int index = actions.indexOf(action);
        return index < 0 ? -1 : firstPair + index;
    }

    /**
     * Compiles a pattern in this domain's syntax.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    ResourcePattern compile(String pattern) {
        switch (this) {
            case PUBSUB:
                return SubjectPattern.compile(pattern);
            // Message types are named like subjects, so they are granted with the same patterns:
            // one syntax for dotted names, and the same reservation of $sys.
            case MESSAGES:
                return SubjectPattern.compile(pattern, "message-type pattern");
            case RPC:
                return MethodPattern.compile(pattern);
            default:
                return PathPattern.compile(pattern);
        }
    }
}
