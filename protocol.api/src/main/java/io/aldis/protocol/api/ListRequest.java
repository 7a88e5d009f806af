package io.aldis.protocol.api;

/**
 * LIST_REQUEST: the client asks for the stored files matching a glob, one page at a time.
 *
 * @param requestId answered by LIST_RESPONSE or ERROR
 * @param pattern a glob such as {@code reports/*.csv}; the empty string matches everything
 * @param offset how many matches to skip
 * @param limit the most entries wanted
 */
public record ListRequest(long requestId, String pattern, int offset, int limit) implements Frame {
    public ListRequest {
        pattern = pattern == null ? "" : pattern;
    }

    @Override
    public FrameType type() {
        return FrameType.LIST_REQUEST;
    }
}
