package io.aldis.node.core.internal;

/**
 * What the authentication throttle did since the node started.
 *
 * @param judged    attempts whose verdict was given, right away or at their turn
 * @param throttled attempts that had to wait for their turn, or came from an address or for a user
 *                  with recent failures
 * @param refused   attempts refused unjudged because their turn would have come too late
 */
public record ThrottleCounts(long judged, long throttled, long refused) {
}
