package io.aldis.feature.auth.internal;

import io.aldis.protocol.api.scram.ScramSha256;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.nio.file.InvalidPathException;
import java.util.Set;

/**
 * The credential store's settings, read key by key from the configuration {@value CredentialStore#PID}.
 *
 * @param credentialsFile   the users file as configured, {@code ${karaf.etc}} not yet resolved
 * @param iterations        PBKDF2 iterations for passwords set from now on
 * @param createAdmin       whether an empty store gets a first admin
 * @param minPasswordLength the shortest password the operator's commands accept
 */
public record CredentialStoreSettings(String credentialsFile, int iterations, boolean createAdmin,
        int minPasswordLength) {

    /** The keys of {@link CredentialStore.Config}, the only ones the store's configuration may have. */
    public static final Set<String> KEYS = Set.of("credentials.file", "scram.iterations", "create.admin",
            "password.minLength");

    /** The defaults of {@link CredentialStore.Config}. */
    public static CredentialStoreSettings defaults() {
        return new CredentialStoreSettings(CredentialStore.DEFAULT_FILE, ScramSha256.MIN_ITERATIONS, true,
                CredentialStore.DEFAULT_MIN_PASSWORD_LENGTH);
    }

    /**
     * Settings read key by key from a configuration, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static CredentialStoreSettings from(ConfigValues c) {
        CredentialStoreSettings d = defaults();
        int max = Integer.MAX_VALUE;
        String file = c.text("credentials.file", d.credentialsFile());
        try {
            CredentialStore.resolve(file);
        } catch (InvalidPathException e) {
            // The store opens the file after the settings are taken: the JDK's exception would come then.
            throw c.invalid("credentials.file", file, "is not a path (it holds a character paths cannot hold)");
        }
        return new CredentialStoreSettings(file,
                c.integer("scram.iterations", d.iterations(), ScramSha256.MIN_ITERATIONS, max),
                c.flag("create.admin", d.createAdmin()),
                c.integer("password.minLength", d.minPasswordLength(), 1, max));
    }
}
