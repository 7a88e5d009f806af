package io.aldis.itest.conformance;

import io.aldis.itest.support.FrameClient;
import java.util.List;

/**
 * One row of the conformance tables: a rule of docs/protocol.md, the section that states it, the
 * node it runs against, how far the connection gets before the steps, and the steps: the frames
 * sent and the frames (or close) the rule demands in answer.
 *
 * @param section the section of docs/protocol.md, such as {@code 4.1}
 * @param rule    what the section demands, in its words
 */
record Rule(String section, String rule, Profile profile, Start start, long capabilities, List<Step> steps) {

    /** The node a rule runs against. */
    enum Profile {
        /** Default settings, with the pub/sub and RPC features. */
        STANDARD,
        /** Short heartbeat, auth timeout and auth-failure delays, for rules about timers and failures. */
        QUICK_TIMERS
    }

    /** How far the connection gets before the steps run. */
    enum Start {
        /** A TCP connection on which nothing was sent. */
        NOTHING_SENT,
        /** CONNECT sent and CONNECT_ACK read; not authenticated. */
        CONNECTED,
        /** CONNECT and a whole SCRAM exchange as the test user. */
        AUTHENTICATED
    }

    /** One step of a rule: send something, or check what the node answered. */
    @FunctionalInterface
    interface Step {
        void run(FrameClient client) throws Exception;
    }

    @Override
    public String toString() {
        return "§" + section + " " + rule;
    }
}
