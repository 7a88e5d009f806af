package io.aldis.feature.auth.internal;

import io.aldis.protocol.api.QuotedText;
import io.aldis.protocol.api.scram.ScramCredentials;
import io.aldis.protocol.api.scram.ScramSha256;
import io.aldis.protocol.api.spi.auth.CredentialRevocation;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The Aldis users: name, roles and SCRAM-SHA-256 keys, kept in a properties file that is replaced
 * atomically on every change. Reads see an immutable snapshot, so the mechanisms never lock;
 * changes are serialized and visible as soon as they are on disk.
 *
 * <p>Each line of the file is {@code user=roles;iterations;salt;storedKey;serverKey} with the
 * roles separated by commas and the binary fields in base64.
 *
 * <p>When a user is removed or its password or roles change, every {@link CredentialRevocation}
 * (the node) is told, so resume tokens issued on the old credentials stop working.
 */
// Immediate: on first start the admin and its password file should appear at once, not on first use.
@Component(service = CredentialStore.class, configurationPid = CredentialStore.PID, immediate = true)
@Designate(ocd = CredentialStore.Config.class)
public final class CredentialStore {
    /** The configuration PID. */
    public static final String PID = "io.aldis.auth";
    /** The user created on first start. */
    public static final String ADMIN_USER = "admin";
    /** The role given to the first user. */
    public static final String ADMIN_ROLE = "admin";
    /** The file, next to the users file, that receives the first admin's password. */
    public static final String ADMIN_PASSWORD_FILE = "aldis-admin.password";
    /** The file, next to the users file, holding the secret that disguises unknown users. */
    public static final String SECRET_FILE = "aldis-auth.secret";
    static final String DEFAULT_FILE = "${karaf.etc}/aldis-users.properties";

    private static final System.Logger LOG = System.getLogger(CredentialStore.class.getName());
    private static final int GENERATED_PASSWORD_LENGTH = 20;
    private static final char[] PASSWORD_ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final int MAX_NAME_LENGTH = 128;
    /** The default of {@code password.minLength}. */
    public static final int DEFAULT_MIN_PASSWORD_LENGTH = 10;

    /** Configuration of the credential store. */
    @ObjectClassDefinition(name = "Aldis credential store",
            description = "Users allowed to authenticate with SCRAM-SHA-256, and their roles.")
    public @interface Config {
        @AttributeDefinition(name = "Credentials file",
                description = "Properties file with the users' salts and SCRAM keys; ${karaf.etc} is the Karaf etc folder.")
        String credentials_file() default DEFAULT_FILE;

        @AttributeDefinition(name = "SCRAM iterations",
                description = "PBKDF2 iterations for passwords set from now on; at least 4096.")
        int scram_iterations() default ScramSha256.MIN_ITERATIONS;

        @AttributeDefinition(name = "Minimum password length",
                description = "Shortest password aldis:user-add and aldis:user-passwd accept; at least 1.")
        int password_minLength() default DEFAULT_MIN_PASSWORD_LENGTH;

        @AttributeDefinition(name = "Create first admin",
                description = "When the store is empty, create user admin with a random password written next to the users file.")
        boolean create_admin() default true;
    }

    private final SecureRandom random = new SecureRandom();
    private final Object writeLock = new Object();
    private volatile Path file;
    private volatile int iterations;
    private volatile int minPasswordLength = DEFAULT_MIN_PASSWORD_LENGTH;
    private volatile Map<String, StoredUser> users = Map.of();
    private volatile byte[] secret;
    private final List<CredentialRevocation> revocations = new CopyOnWriteArrayList<>();

    /**
     * Opens a store outside OSGi.
     *
     * @param file        the users file; created on the first change
     * @param iterations  PBKDF2 iterations for new passwords, at least 4096
     * @param createAdmin whether to create the first admin when the store is empty
     */
    public CredentialStore(Path file, int iterations, boolean createAdmin) {
        open(file, iterations, createAdmin);
    }

    /**
     * Opens the store in OSGi; a rejected configuration is logged in one line and the store opens
     * with the defaults, rather than not at all.
     */
    @Activate
    public CredentialStore(Map<String, Object> properties) {
        CredentialStoreSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the credential store opens with the defaults",
                    e.getMessage());
            settings = CredentialStoreSettings.defaults();
        }
        open(resolve(settings.credentialsFile()), settings.iterations(), settings.createAdmin());
        setMinPasswordLength(settings.minPasswordLength());
    }

    /** Applies a changed configuration; a rejected one is logged in one line and the settings in force stay. */
    @Modified
    void modified(Map<String, Object> properties) {
        CredentialStoreSettings settings;
        try {
            settings = read(properties);
        } catch (InvalidConfigurationException e) {
            LOG.log(System.Logger.Level.ERROR, "Rejected {0}; the settings in force stay", e.getMessage());
            return;
        }
        open(resolve(settings.credentialsFile()), settings.iterations(), settings.createAdmin());
        setMinPasswordLength(settings.minPasswordLength());
    }

    /** Reads the settings; a key the store does not know is most likely misspelt, and is reported. */
    static CredentialStoreSettings read(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        CredentialStoreSettings settings = CredentialStoreSettings.from(values);
        values.warnUnknownKeys(CredentialStoreSettings.KEYS, LOG);
        return settings;
    }

    /**
     * Sets the shortest password the operator's commands accept (the password policy).
     *
     * @throws IllegalArgumentException if it is below 1
     */
    public void setMinPasswordLength(int length) {
        if (length < 1) {
            throw new IllegalArgumentException(PID + ": password.minLength = " + length + " must be at least 1");
        }
        this.minPasswordLength = length;
    }

    /** The shortest password the operator's commands accept. */
    public int minPasswordLength() {
        return minPasswordLength;
    }

    /** Whom to tell when a user's credentials change: the node, through the service registry. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addRevocation(CredentialRevocation revocation) {
        revocations.add(revocation);
    }

    public void removeRevocation(CredentialRevocation revocation) {
        revocations.remove(revocation);
    }

    /** Resolves {@code ${karaf.etc}} from the system property, falling back to {@code etc}. */
    static Path resolve(String configured) {
        String etc = System.getProperty("karaf.etc", "etc");
        String path = configured == null || configured.isBlank() ? DEFAULT_FILE : configured.trim();
        return Path.of(path.replace("${karaf.etc}", etc));
    }

    private void open(Path file, int iterations, boolean createAdmin) {
        if (iterations < ScramSha256.MIN_ITERATIONS) {
            throw new IllegalArgumentException("scram.iterations must be at least " + ScramSha256.MIN_ITERATIONS);
        }
        synchronized (writeLock) {
            this.iterations = iterations;
            Path absolute = file.toAbsolutePath();
            if (!absolute.equals(this.file)) {
                removeUnfinishedWrites(absolute);
                this.users = load(absolute);
                this.secret = loadSecret(absolute.resolveSibling(SECRET_FILE));
                this.file = absolute;
            }
            if (createAdmin && users.isEmpty()) {
                createFirstAdmin();
            }
        }
    }

    /** The users file. */
    public Path file() {
        return file;
    }

    /** The iteration count given to passwords set from now on. */
    public int iterations() {
        return iterations;
    }

    /**
     * A random secret kept next to the users file; stable across restarts so that what the node
     * answers for an unknown user does not change and give the name away.
     */
    public byte[] secret() {
        return secret.clone();
    }

    /** The user of that name, if any. */
    public Optional<StoredUser> find(String user) {
        return Optional.ofNullable(users.get(user));
    }

    /** Every user, sorted by name. */
    public List<StoredUser> list() {
        List<StoredUser> all = new ArrayList<>(users.values());
        all.sort(Comparator.comparing(StoredUser::name));
        return all;
    }

    /**
     * Adds a user.
     *
     * @throws IllegalArgumentException if the user exists or the name, a role or the password is invalid
     * @throws UncheckedIOException     if the file cannot be written; nothing changes then
     */
    public StoredUser add(String user, char[] password, Set<String> roles) {
        checkName(user);
        Set<String> checkedRoles = checkRoles(roles);
        checkPassword(password);
        synchronized (writeLock) {
            if (users.containsKey(user)) {
                throw new IllegalArgumentException("user " + user + " already exists");
            }
            StoredUser added = new StoredUser(user, checkedRoles, ScramCredentials.derive(password, iterations, random));
            commit(user, added);
            return added;
        }
    }

    /**
     * Replaces a user's password with a fresh salt and the current iteration count.
     *
     * @throws IllegalArgumentException if there is no such user or the password is empty
     */
    public StoredUser setPassword(String user, char[] password) {
        checkPassword(password);
        synchronized (writeLock) {
            StoredUser existing = users.get(user);
            if (existing == null) {
                throw new IllegalArgumentException("no user " + user);
            }
            StoredUser changed = new StoredUser(user, existing.roles(), ScramCredentials.derive(password, iterations, random));
            commit(user, changed);
            revoke(user);
            return changed;
        }
    }

    /**
     * Replaces a user's roles.
     *
     * @throws IllegalArgumentException if there is no such user or a role is invalid
     */
    public StoredUser setRoles(String user, Set<String> roles) {
        Set<String> checkedRoles = checkRoles(roles);
        synchronized (writeLock) {
            StoredUser existing = users.get(user);
            if (existing == null) {
                throw new IllegalArgumentException("no user " + user);
            }
            StoredUser changed = new StoredUser(user, checkedRoles, existing.credentials());
            commit(user, changed);
            if (!changed.roles().equals(existing.roles())) {
                revoke(user); // a resumed session would otherwise keep the roles of its first login
            }
            return changed;
        }
    }

    /** Removes a user; returns whether it existed. */
    public boolean remove(String user) {
        synchronized (writeLock) {
            if (!users.containsKey(user)) {
                return false;
            }
            commit(user, null);
            revoke(user);
            return true;
        }
    }

    private void revoke(String user) {
        for (CredentialRevocation revocation : revocations) {
            try {
                revocation.credentialsChanged(user);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not revoke the resume tokens of user " + user, e);
            }
        }
    }

    private void commit(String user, StoredUser value) {
        Map<String, StoredUser> next = new TreeMap<>(users);
        if (value == null) {
            next.remove(user);
        } else {
            next.put(user, value);
        }
        write(file, format(next));
        users = Collections.unmodifiableMap(next);
    }

    private void createFirstAdmin() {
        char[] password = new char[GENERATED_PASSWORD_LENGTH];
        for (int i = 0; i < password.length; i++) {
            password[i] = PASSWORD_ALPHABET[random.nextInt(PASSWORD_ALPHABET.length)];
        }
        Path passwordFile = file.resolveSibling(ADMIN_PASSWORD_FILE);
        // The password goes to disk first, so an admin never exists without a way to learn it.
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] content = new byte[bytes.remaining() + 1];
        bytes.get(content, 0, content.length - 1);
        content[content.length - 1] = '\n';
        write(passwordFile, content);
        Arrays.fill(content, (byte) 0);
        add(ADMIN_USER, password, Set.of(ADMIN_ROLE));
        Arrays.fill(password, '\0');
        LOG.log(Level.WARNING, "Created Aldis user ''{0}'' with role ''{1}''; its password is in {2}. "
                + "Change it with aldis:user-passwd and delete that file.", ADMIN_USER, ADMIN_ROLE, passwordFile);
    }

    /**
     * Deletes the temporary files of writes that never finished ({@link #write}), which a process
     * killed in the middle of one leaves beside the users file: copies of password hashes, or of the
     * first admin's password, that nothing would ever read or remove. It assumes one process writes
     * these files, as one node does: another process writing beside it would lose its write.
     */
    private static void removeUnfinishedWrites(Path usersFile) {
        Path dir = usersFile.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        // Exactly the names Files.createTempFile gives the writes below: the prefix, digits, ".tmp".
        List<java.util.regex.Pattern> names = java.util.stream.Stream.of("." + usersFile.getFileName(),
                "." + SECRET_FILE, "." + ADMIN_PASSWORD_FILE)
                .map(prefix -> java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "\\d+\\.tmp"))
                .toList();
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, p -> {
            String name = p.getFileName().toString();
            return names.stream().anyMatch(n -> n.matcher(name).matches());
        })) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
                LOG.log(Level.WARNING, "Deleted {0}, left by a write that did not finish", leftover);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not delete what unfinished writes left in {0}: {1}", dir, e.getMessage());
        }
    }

    private static Map<String, StoredUser> load(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parseUsers(content, file);
    }

    /**
     * The users of a users file, all or none. An entry the store could not have written (not
     * {@code roles;iterations;salt;storedKey;serverKey}, a name or role outside the rules, keys that
     * are no SCRAM keys) refuses the whole file: a store opened without the users it could not read
     * would go on without them, give a first admin to a store that only looks empty, and write the
     * file again without them at its next change.
     *
     * @throws DamagedUsersFile naming the file and an entry that is wrong, in one line
     */
    static Map<String, StoredUser> parseUsers(byte[] content, Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new DamagedUsersFile(file, "is not UTF-8");
        }
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
        } catch (IllegalArgumentException e) {
            // Properties' own words ("Malformed \\uxxxx encoding.") would not name the file.
            throw new DamagedUsersFile(file, "has a \\u escape that is not followed by four hexadecimal digits");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, StoredUser> loaded = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            try {
                checkName(name);
                loaded.put(name, parse(name, props.getProperty(name)));
            } catch (IllegalArgumentException e) {
                throw new DamagedUsersFile(file, "user " + QuotedText.of(name, 64) + ": "
                        + QuotedText.of(e.getMessage(), 200));
            }
        }
        return Collections.unmodifiableMap(loaded);
    }

    private static StoredUser parse(String name, String value) {
        String[] parts = value.trim().split(";", -1);
        if (parts.length != 5) {
            throw new IllegalArgumentException("expected roles;iterations;salt;storedKey;serverKey");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String role : parts[0].split(",")) {
            if (!role.isBlank()) {
                roles.add(role.trim());
            }
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("iterations must be a whole number");
        }
        ScramCredentials credentials = new ScramCredentials(base64("salt", parts[2]), iterations,
                base64("storedKey", parts[3]), base64("serverKey", parts[4]));
        return new StoredUser(name, checkRoles(roles), credentials);
    }

    private static byte[] base64(String field, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " is not base64");
        }
    }

    /** A users file the store refuses to open; the message names the file and what is wrong, in one line. */
    public static final class DamagedUsersFile extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        DamagedUsersFile(Path file, String reason) {
            super(QuotedText.of(file.toString(), 0) + ": " + reason);
        }
    }

    private static byte[] format(Map<String, StoredUser> users) {
        Base64.Encoder b64 = Base64.getEncoder();
        StringBuilder out = new StringBuilder();
        out.append("# Aldis users: user=roles;iterations;salt;storedKey;serverKey (SCRAM-SHA-256, RFC 5802).\n");
        out.append("# Managed with aldis:user-add, aldis:user-passwd and aldis:user-remove. No passwords are kept here.\n");
        for (StoredUser user : users.values()) {
            ScramCredentials c = user.credentials();
            out.append(user.name()).append('=')
                    .append(String.join(",", new TreeSet<>(user.roles()))).append(';')
                    .append(c.iterations()).append(';')
                    .append(b64.encodeToString(c.salt())).append(';')
                    .append(b64.encodeToString(c.storedKey())).append(';')
                    .append(b64.encodeToString(c.serverKey())).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] loadSecret(Path secretFile) {
        try {
            if (Files.exists(secretFile)) {
                byte[] stored = Base64.getDecoder().decode(Files.readString(secretFile, StandardCharsets.US_ASCII).trim());
                if (stored.length >= 32) {
                    return stored;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Replacing unreadable {0}: {1}", secretFile, e.getMessage());
        }
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        try {
            write(secretFile, (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (UncheckedIOException e) {
            // Still usable: only the disguise of unknown users changes across restarts.
            LOG.log(Level.WARNING, "Cannot write {0}: {1}", secretFile, e.getMessage());
        }
        return fresh;
    }

    /**
     * Writes a file atomically with owner-only permissions where the file system has POSIX
     * permissions: a temporary file in the same folder, flushed, then moved over the target.
     */
    static void write(Path target, byte[] content) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            FileAttribute<?>[] attrs = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(ownerOnly())}
                    : new FileAttribute<?>[0];
            Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attrs);
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buffer = ByteBuffer.wrap(content);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            if (posix) {
                Files.setPosixFilePermissions(target, ownerOnly());
            }
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("cannot replace " + target, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static Set<PosixFilePermission> ownerOnly() {
        return PosixFilePermissions.fromString("rw-------");
    }

    /** User names: letters, digits and {@code . _ - @ +}, at most 128 characters. */
    static void checkName(String user) {
        if (user == null || user.isEmpty() || user.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("user name must have 1 to " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (!Character.isLetterOrDigit(c) && ".-_@+".indexOf(c) < 0) {
                throw new IllegalArgumentException("user name may hold only letters, digits and . - _ @ +");
            }
        }
    }

    private static Set<String> checkRoles(Set<String> roles) {
        Set<String> out = new LinkedHashSet<>();
        for (String role : roles) {
            String r = role == null ? "" : role.trim();
            if (r.isEmpty() || r.length() > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("role names must have 1 to " + MAX_NAME_LENGTH + " characters");
            }
            for (int i = 0; i < r.length(); i++) {
                char c = r.charAt(i);
                if (!Character.isLetterOrDigit(c) && ".-_:".indexOf(c) < 0) {
                    throw new IllegalArgumentException("role " + r + " may hold only letters, digits and . - _ :");
                }
            }
            out.add(r);
        }
        return out;
    }

    private static void checkPassword(char[] password) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("password must not be empty");
        }
    }
}
