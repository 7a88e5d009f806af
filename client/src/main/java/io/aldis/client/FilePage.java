package io.aldis.client;

import java.util.List;

/**
 * One page of a listing: the files of the page, sorted by name, and how many match in all, so
 * that the caller knows whether to ask for the next page ({@code offset + entries.size() < totalCount}).
 *
 * @param entries    the files of this page
 * @param totalCount the number of files that match the pattern
 */
public record FilePage(List<RemoteFile> entries, int totalCount) {
    public FilePage {
        entries = List.copyOf(entries);
    }
}
