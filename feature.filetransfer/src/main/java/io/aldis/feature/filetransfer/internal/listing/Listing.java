package io.aldis.feature.filetransfer.internal.listing;

import io.aldis.feature.filetransfer.api.OutsideAreaException;
import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.feature.filetransfer.internal.Access;
import io.aldis.feature.filetransfer.internal.FilesContext;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.filetransfer.internal.names.FileNames;
import io.aldis.feature.filetransfer.internal.names.Glob;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.spi.node.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** LIST_REQUEST and FILE_REMOVE (docs/protocol.md 6.5.5). */
public final class Listing {
    /** Most entries in one LIST_RESPONSE. */
    public static final int MAX_PAGE = 1000;
    /** Orders names by their UTF-8 bytes, as the protocol sorts them. */
    public static final Comparator<String> BY_UTF8 = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final FilesContext context;
    private final ListThrottle throttle = new ListThrottle();

    public Listing(FilesContext context) {
        this.context = context;
    }

    public void list(Session session, ListRequest r) {
        FilesSettings settings = context.settings().get();
        long retryAfter = throttle.admit(session, settings.listRate(), settings.listBurst(), context.clock().millis());
        if (retryAfter > 0) {
            session.send(new ErrorFrame(r.requestId(), ErrorCode.RATE_LIMITED.code(), "too many LIST requests: this "
                    + "node answers " + settings.listRate() + " a second per session",
                    "{\"limit\":\"list\",\"retryAfterMillis\":" + retryAfter + "}"));
            return;
        }
        Glob glob;
        try {
            glob = Glob.compile(r.pattern());
        } catch (ProtocolException e) {
            session.sendError(r.requestId(), e.code(), e.getMessage());
            return;
        }
        List<StoredFile> matches;
        try {
            // A file the user may not list is left out, as if it were not there.
            matches = matching(session.user().name(), glob).stream()
                    .filter(f -> context.access().permits(session.user(), Access.LIST, f.name())).toList();
        } catch (IOException e) {
            session.sendError(r.requestId(), ErrorCode.STORAGE_ERROR, "the node could not read its storage");
            return;
        }
        int from = (int) Math.min(matches.size(), Integer.toUnsignedLong(r.offset()));
        int to = (int) Math.min(matches.size(), from + Math.min(Integer.toUnsignedLong(r.limit()), MAX_PAGE));
        List<FileEntry> page = new ArrayList<>(to - from);
        for (StoredFile f : matches.subList(from, to)) {
            page.add(new FileEntry(f.name(), f.size(), f.modifiedMillis()));
        }
        session.send(new ListResponse(r.requestId(), matches.size(), page));
    }

    /** The session ended: what was kept to pace its LISTs goes. */
    public void sessionClosed(Session session) {
        throttle.forget(session);
    }

    /** The files of {@code user}'s area whose names match, sorted by name. */
    public List<StoredFile> matching(String user, Glob glob) throws IOException {
        List<StoredFile> matches = new ArrayList<>();
        for (StoredFile f : context.store().list(user)) {
            if (glob.matches(f.name())) {
                matches.add(f);
            }
        }
        matches.sort(Comparator.comparing(StoredFile::name, BY_UTF8));
        return matches;
    }

    public void remove(Session session, FileRemove r) {
        String name;
        try {
            name = FileNames.check(r.fileName());
        } catch (ProtocolException e) {
            session.sendError(r.requestId(), e.code(), e.getMessage());
            return;
        }
        if (!context.access().permits(session.user(), Access.DELETE, name)) {
            session.sendError(r.requestId(), ErrorCode.FORBIDDEN, "you may not delete " + name);
            return;
        }
        String user = session.user().name();
        try {
            StoredFile file = context.store().stat(user, name);
            if (file == null || !context.store().delete(user, name)) {
                session.sendError(r.requestId(), ErrorCode.FILE_NOT_FOUND_ON_SERVER, "there is no file " + name);
                return;
            }
            context.ledger().removed(user, file.size());
            context.hashes().forget(user, name);
        } catch (OutsideAreaException e) {
            session.sendError(r.requestId(), ErrorCode.INVALID_FILE_NAME, e.getMessage());
            return;
        } catch (IOException e) {
            session.sendError(r.requestId(), ErrorCode.STORAGE_ERROR, "the node could not delete " + name);
            return;
        }
        context.events().removed(user, name);
        session.send(new Ack(r.requestId(), ""));
    }
}
