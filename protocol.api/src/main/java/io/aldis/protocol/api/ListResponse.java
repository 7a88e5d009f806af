package io.aldis.protocol.api;

import java.util.List;

/**
 * LIST_RESPONSE: one page of a file listing.
 *
 * @param requestId the request answered
 * @param totalCount how many files match in all
 * @param entries this page's entries
 */
public record ListResponse(long requestId, int totalCount, List<FileEntry> entries) implements Frame {
    public ListResponse {
        entries = List.copyOf(entries);
    }

    @Override
    public FrameType type() {
        return FrameType.LIST_RESPONSE;
    }
}
