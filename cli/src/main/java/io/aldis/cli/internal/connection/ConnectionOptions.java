package io.aldis.cli.internal.connection;

import io.aldis.cli.internal.exit.CliFailure;
import io.aldis.cli.internal.exit.ExitCode;
import io.aldis.client.AldisClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * The options every command shares to reach the node and log in. The password is never one of
 * them: see {@link PasswordSource}.
 */
public final class ConnectionOptions {
    /** The environment variable that names the user when {@code --user} is not given. */
    public static final String USER_VARIABLE = "ALDIS_USER";
    /** The environment variable with the trust store's password, when it has one. */
    public static final String TRUST_STORE_PASSWORD_VARIABLE = "ALDIS_TRUST_STORE_PASSWORD";

    @Option(names = {"-n", "--node"}, paramLabel = "HOST[:PORT]", defaultValue = "localhost:7440",
            description = "The node's TCP listener (default: ${DEFAULT-VALUE}).")
    String node;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", defaultValue = "${env:" + USER_VARIABLE + "}",
            description = "The user to log in as (default: $" + USER_VARIABLE + "). The password comes from $"
                    + PasswordSource.ENVIRONMENT_VARIABLE + ", or is asked on the terminal.")
    String user;

    @Option(names = "--tls", description = "Connect with TLS, trusting the certificates the JDK trusts.")
    boolean tls;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "Connect with TLS, trusting the certificates in this PKCS12 file (its password, if any, in $"
                    + TRUST_STORE_PASSWORD_VARIABLE + ").")
    Path trustStore;

    /** The node's address as given. */
    public NodeAddress address() {
        return NodeAddress.parse(node);
    }

    /** Connects and logs in; fails with the node's or the client's reason. */
    public AldisClient connect(PasswordSource passwords) throws Exception {
        NodeAddress address = address();
        if (user == null || user.isBlank()) {
            throw new CliFailure(ExitCode.USAGE, "no user: give --user or set " + USER_VARIABLE);
        }
        char[] password = passwords.passwordFor(user, address);
        AldisClient.Builder builder = AldisClient.builder()
                .address(address.host(), address.port())
                .clientName("aldis-cli")
                // A command is short: waiting the default five seconds for CLOSE_ACK only delays the prompt.
                .closeTimeout(Duration.ofSeconds(2));
        try {
            builder.credentials(user, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (trustStore != null) {
            String storePassword = System.getenv(TRUST_STORE_PASSWORD_VARIABLE);
            builder.tls(trustStore, storePassword == null ? new char[0] : storePassword.toCharArray());
        } else if (tls) {
            builder.tls(jdkTrust());
        }
        AldisClient client = builder.build();
        try {
            return client.connect().get();
        } catch (Exception failure) {
            client.close();
            throw failure;
        }
    }

    private static TrustManagerFactory jdkTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return factory;
    }
}
