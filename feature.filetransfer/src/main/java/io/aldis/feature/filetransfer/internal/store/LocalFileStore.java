package io.aldis.feature.filetransfer.internal.store;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.OutsideAreaException;
import io.aldis.feature.filetransfer.api.PartialFile;
import io.aldis.feature.filetransfer.api.ReadableFile;
import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.protocol.api.files.WriteBack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The default {@link FileStore}: a directory on the local disk. Each user's area is a directory
 * named after the user under the root; partial uploads and states live under {@code .aldis/},
 * which no user area can reach because a user's directory name never starts with a dot.
 */
public final class LocalFileStore implements FileStore {
    private static final String HIDDEN = ".aldis";
    /**
     * How much of a partial file is written before its dirty pages are written back, off the
     * writer's thread. Without it the checkpoint's sync and the sync before publishing wrote all of
     * it back in one go, while the upload waited (1 GiB took about a second here).
     */
    static final long WRITE_BACK_EVERY_BYTES = 8L << 20;

    private final Path root;
    private final Path partials;
    private final Path states;
    /** One thread writes back every partial file; it ends when idle, so the store needs no closing. */
    private final ThreadPoolExecutor writeBackThread;
    /** Partial files whose write-back failed: never published, since part of them may be lost. */
    private final Set<String> lostWrites = ConcurrentHashMap.newKeySet();
    /** Tells this store's temporary files from those of another node's store on the same root. */
    private final String instance = Long.toHexString(new java.security.SecureRandom().nextLong() >>> 1);
    /** Tells this store's temporary files of one state apart, when threads write it at once. */
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    /**
     * How old a temporary state file must be before a starting store deletes it: it was left by a
     * write that never finished (its node died), and no write takes this long.
     */
    static final long STALE_TEMPORARY_MILLIS = 10 * 60_000L;

    /** A store under {@code root}, which is created if needed. */
    public LocalFileStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        this.partials = Files.createDirectories(this.root.resolve(HIDDEN).resolve("partial"));
        this.states = Files.createDirectories(this.root.resolve(HIDDEN).resolve("state"));
        this.writeBackThread = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "aldis-files-write-back");
            t.setDaemon(true);
            return t;
        });
        writeBackThread.allowCoreThreadTimeOut(true);
        deleteStaleTemporaries();
    }

    /** Deletes the temporary state files that writes cut short by a crash left behind. */
    private void deleteStaleTemporaries() throws IOException {
        long before = System.currentTimeMillis() - STALE_TEMPORARY_MILLIS;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(states, "*.tmp")) {
            for (Path path : dir) {
                try {
                    if (Files.getLastModifiedTime(path).toMillis() < before) {
                        Files.deleteIfExists(path);
                    }
                } catch (NoSuchFileException gone) {
                    // another node sharing the root deleted or moved it meanwhile
                }
            }
        }
    }

    /** The directory this store keeps everything under. */
    public Path root() {
        return root;
    }

    /** The directory of {@code user}'s area: the name with every character outside [A-Za-z0-9_-] as %XX. */
    Path area(String user) {
        StringBuilder dir = new StringBuilder();
        for (byte b : user.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-';
            dir.append(plain ? String.valueOf(c) : String.format("%%%02X", b & 0xff));
        }
        return root.resolve(dir.toString());
    }

    /**
     * The path of {@code name} in {@code user}'s area, refused when an existing part of it resolves
     * (through a symbolic link) outside the area.
     */
    Path resolve(String user, String name) throws IOException {
        Path area = Files.createDirectories(area(user)).toRealPath();
        Path path = area.resolve(name).normalize();
        if (!path.startsWith(area)) {
            throw new OutsideAreaException(name);
        }
        // The deepest part that exists decides where the rest ends up.
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new OutsideAreaException(name);
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (NoSuchFileException danglingLink) {
            throw new OutsideAreaException(name);
        }
        if (!real.startsWith(area)) {
            throw new OutsideAreaException(name);
        }
        return path;
    }

    private Path partial(String key) {
        return partials.resolve(checkedKey(key) + ".part");
    }

    private static String checkedKey(String key) {
        if (!key.matches("[A-Za-z0-9._-]{1,100}") || key.startsWith(".")) {
            throw new IllegalArgumentException("not a key: " + key);
        }
        return key;
    }

    @Override
    public PartialFile openPartial(String key) throws IOException {
        FileChannel channel = FileChannel.open(partial(key), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new LocalPartialFile(checkedKey(key), channel);
    }

    @Override
    public void deletePartial(String key) throws IOException {
        Files.deleteIfExists(partial(key));
        lostWrites.remove(key);
    }

    @Override
    public StoredFile publish(String key, String user, String name) throws IOException {
        Path source = partial(key);
        if (lostWrites.contains(key)) {
            throw new IOException("part of the partial file " + key + " may not have reached the disk");
        }
        Path target = resolve(user, name);
        try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new OutsideAreaException(name);
        }
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(parent);
        return describe(name, target);
    }

    /** Makes a rename in {@code dir} durable; file systems that cannot sync a directory are left as they are. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException cannot) {
            // Not every platform opens directories; the rename itself is still atomic.
        }
    }

    private static StoredFile describe(String name, Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new StoredFile(name, attributes.size(), attributes.lastModifiedTime().toMillis());
    }

    @Override
    public ReadableFile open(String user, String name) throws IOException {
        Path path = resolve(user, name);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(name);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            StoredFile described = describe(name, path);
            return new LocalReadableFile(channel, new StoredFile(name, channel.size(), described.modifiedMillis()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public StoredFile stat(String user, String name) throws IOException {
        Path path = resolve(user, name);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return describe(name, path);
    }

    @Override
    public List<StoredFile> list(String user) throws IOException {
        Path area = area(user);
        List<StoredFile> files = new ArrayList<>();
        if (!Files.isDirectory(area)) {
            return files;
        }
        walkFiles(area, (path, a) -> {
            String name = area.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
            files.add(new StoredFile(name, a.size(), a.lastModifiedTime().toMillis()));
            return true;
        });
        return files;
    }

    /** Told of each regular file a walk finds; returns false to end the walk. */
    private interface FileFound {
        boolean found(Path path, BasicFileAttributes attributes);
    }

    /**
     * Walks the regular files under {@code dir}. Links are not followed: a link is not a file of
     * the area, wherever it points.
     */
    private static void walkFiles(Path dir, FileFound onFile) throws IOException {
        Files.walkFileTree(dir, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path path, BasicFileAttributes a) {
                return !a.isRegularFile() || onFile.found(path, a) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path path, IOException e) throws IOException {
                return skipIfGone(e);
            }

            @Override
            public FileVisitResult postVisitDirectory(Path path, IOException e) throws IOException {
                return e == null ? FileVisitResult.CONTINUE : skipIfGone(e);
            }
        });
    }

    /**
     * A file or directory removed by another session while the area is listed (between reading
     * its directory and reading its attributes) is simply not listed; any other failure is one.
     */
    private static FileVisitResult skipIfGone(IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
        }
        throw e;
    }

    @Override
    public List<String> users() throws IOException {
        List<String> users = new ArrayList<>();
        try (DirectoryStream<Path> areas = Files.newDirectoryStream(root)) {
            for (Path area : areas) {
                String dir = area.getFileName().toString();
                String user = dir.startsWith(".") ? null : userOf(dir);
                if (user != null && Files.isDirectory(area, LinkOption.NOFOLLOW_LINKS) && holdsAFile(area)) {
                    users.add(user);
                }
            }
        }
        return users;
    }

    /**
     * The user whose area is the directory {@code dir}: the reverse of {@link #area(String)}; null
     * for a directory the store did not name (made by hand), which is no user's area.
     */
    String userOf(String dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(dir.length());
        for (int i = 0; i < dir.length(); i++) {
            char c = dir.charAt(i);
            if (c == '%') {
                if (i + 2 >= dir.length() || !HexFormat.isHexDigit(dir.charAt(i + 1))
                        || !HexFormat.isHexDigit(dir.charAt(i + 2))) {
                    return null;
                }
                bytes.write(HexFormat.fromHexDigits(dir, i + 1, i + 3));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        String user = bytes.toString(StandardCharsets.UTF_8);
        return area(user).getFileName().toString().equals(dir) ? user : null;
    }

    /** Whether the area holds a regular file anywhere, found without walking all of it. */
    private static boolean holdsAFile(Path area) throws IOException {
        boolean[] holds = new boolean[1];
        walkFiles(area, (path, a) -> {
            holds[0] = true;
            return false;
        });
        return holds[0];
    }

    @Override
    public boolean delete(String user, String name) throws IOException {
        Path path = resolve(user, name);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        return Files.deleteIfExists(path);
    }

    @Override
    public long totalSize() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> areas = Files.newDirectoryStream(root)) {
            for (Path area : areas) {
                if (!area.getFileName().toString().startsWith(".") && Files.isDirectory(area, LinkOption.NOFOLLOW_LINKS)) {
                    long[] size = new long[1];
                    walkFiles(area, (path, a) -> {
                        size[0] += a.size();
                        return true;
                    });
                    total += size[0];
                }
            }
        }
        return total;
    }

    @Override
    public long usableSpace() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    @Override
    public void writeState(String key, byte[] state) throws IOException {
        Path target = states.resolve(checkedKey(key));
        // One temporary file per write: nodes that share the root, and threads of this node, may
        // write one state at once.
        Path temporary = states.resolve(key + "." + instance + "-" + writes.incrementAndGet() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE))) {
                ByteBuffer bytes = ByteBuffer.wrap(state);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException left) {
                e.addSuppressed(left);
            }
            throw e;
        }
    }

    @Override
    public byte[] readState(String key) throws IOException {
        try {
            return Files.readAllBytes(states.resolve(checkedKey(key)));
        } catch (NoSuchFileException none) {
            return null;
        }
    }

    @Override
    public List<String> states() throws IOException {
        List<String> keys = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(states)) {
            for (Path path : dir) {
                String key = path.getFileName().toString();
                if (!key.endsWith(".tmp")) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    @Override
    public void deleteState(String key) throws IOException {
        Files.deleteIfExists(states.resolve(checkedKey(key)));
    }

    /** The path of a state, for tests that damage one. */
    public Path statePath(String key) {
        return states.resolve(checkedKey(key));
    }

    /** The path of a partial upload. */
    public Path partialPath(String key) {
        return partial(key);
    }

    /** A partial file whose dirty pages are written back while it is written, so that its syncs find little left. */
    final class LocalPartialFile implements PartialFile {
        private final String key;
        private final FileChannel channel;
        private final WriteBack writeBack;

        LocalPartialFile(String key, FileChannel channel) {
            this.key = key;
            this.channel = channel;
            this.writeBack = new WriteBack(channel, writeBackThread, WRITE_BACK_EVERY_BYTES);
        }

        @Override
        public void write(ByteBuffer bytes, long offset) throws IOException {
            long at = offset;
            while (bytes.hasRemaining()) {
                at += channel.write(bytes, at);
            }
            writeBack.written(at - offset);
        }

        @Override
        public int read(ByteBuffer bytes, long offset) throws IOException {
            return channel.read(bytes, offset);
        }

        @Override
        public void sync() throws IOException {
            writeBack.sync(false);
        }

        @Override
        public void close() throws IOException {
            writeBack.awaitIdle();
            channel.close();
            try {
                writeBack.checkFailure();
            } catch (IOException lost) {
                // Published, or synced again, through another handle, which would not hear of it.
                lostWrites.add(key);
            }
        }

        WriteBack writeBack() {
            return writeBack;
        }
    }

    private record LocalReadableFile(FileChannel channel, StoredFile file) implements ReadableFile {
        @Override
        public int read(ByteBuffer bytes, long offset) throws IOException {
            return channel.read(bytes, offset);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
