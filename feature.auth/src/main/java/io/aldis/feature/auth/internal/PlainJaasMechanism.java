package io.aldis.feature.auth.internal;

import io.aldis.protocol.api.QuotedText;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * PLAIN (RFC 4616) checked against a JAAS realm, by default Karaf's {@code karaf} realm. The
 * password travels in clear, so the mechanism is offered only on TLS or loopback connections.
 * A realm may block (a directory, a database), so logins run on a small bounded pool of their
 * own and never on the caller's thread.
 */
@Component(service = AuthenticationMechanism.class, configurationPid = PlainJaasMechanism.PID)
@Designate(ocd = PlainJaasMechanism.Config.class)
public final class PlainJaasMechanism implements AuthenticationMechanism {
    /** The configuration PID. */
    public static final String PID = "io.aldis.auth.plain";
    /** The mechanism name. */
    public static final String MECHANISM = "PLAIN";

    static final String REALM_KEY = "realm";
    static final String DEFAULT_REALM = "karaf";
    /** The keys of {@link Config}, the only ones the mechanism's configuration may have. */
    static final Set<String> KEYS = Set.of(REALM_KEY);

    private static final System.Logger LOG = System.getLogger("io.aldis.auth.plain");
    private static final int THREADS = 2;
    private static final int QUEUE = 64;
    private static final int MAX_MESSAGE = 4096;

    /** Configuration of the PLAIN mechanism. */
    @ObjectClassDefinition(name = "Aldis PLAIN authentication",
            description = "PLAIN (RFC 4616) checked against a JAAS realm; offered only on TLS or loopback connections.")
    public @interface Config {
        @AttributeDefinition(name = "JAAS realm", description = "Name of the JAAS realm that checks user and password.")
        String realm() default DEFAULT_REALM;
    }

    private final ThreadPoolExecutor executor;
    private volatile String realm;

    @Activate
    public PlainJaasMechanism(Map<String, Object> properties) {
        this(read(properties));
    }

    /** Creates the mechanism outside OSGi; call {@link #close()} when done. */
    public PlainJaasMechanism(String realm) {
        this.realm = checkRealm(realm);
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread t = new Thread(task, "aldis-auth-plain-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), threads, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        realm = read(properties);
    }

    /**
     * The realm named by the configuration; a blank one means the default. A key the mechanism
     * does not know is most likely misspelt, and is reported.
     */
    static String read(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        String configured = values.text(REALM_KEY, DEFAULT_REALM);
        for (String key : values.unknownKeys(KEYS)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: unknown key {1} is ignored (the only key is {2})",
                    values.source(), QuotedText.of(key, 64), REALM_KEY);
        }
        return configured;
    }

    /** Stops the login threads; attempts still queued fail. */
    @Deactivate
    public void close() {
        for (Runnable queued : executor.shutdownNow()) {
            ((LoginTask) queued).abandon("PLAIN mechanism stopped");
        }
    }

    /** The realm logins are checked against. */
    public String realm() {
        return realm;
    }

    private static String checkRealm(String realm) {
        if (realm == null || realm.isBlank()) {
            throw new IllegalArgumentException("realm must not be empty");
        }
        return realm.trim();
    }

    @Override
    public String name() {
        return MECHANISM;
    }

    @Override
    public boolean allowedOn(TransportConnection connection) {
        return connection.secure() || connection.loopback();
    }

    @Override
    public AuthenticationExchange start(TransportConnection connection) {
        boolean allowed = allowedOn(connection);
        return new AuthenticationExchange() {
            private boolean used;

            @Override
            public synchronized CompletionStage<AuthStep> step(byte[] clientMessage) {
                if (used) {
                    return CompletableFuture.completedFuture(new AuthStep.Failure(null, "exchange already finished"));
                }
                used = true;
                return login(clientMessage, allowed);
            }
        };
    }

    private CompletionStage<AuthStep> login(byte[] message, boolean allowed) {
        String[] parts;
        try {
            parts = parse(message);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new AuthStep.Failure(null, e.getMessage()));
        }
        String authzid = parts[0];
        String user = parts[1];
        if (!allowed) {
            return CompletableFuture.completedFuture(
                    new AuthStep.Failure(user, "PLAIN refused on a connection that is neither TLS nor loopback"));
        }
        if (!authzid.isEmpty() && !authzid.equals(user)) {
            return CompletableFuture.completedFuture(new AuthStep.Failure(user, "authorization identity differs from the user"));
        }
        LoginTask task = new LoginTask(realm, user, parts[2].toCharArray());
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.abandon("too many PLAIN logins in progress");
        }
        return task.result;
    }

    /** One realm login; kept as a type so logins still queued at shutdown can be answered. */
    private static final class LoginTask implements Runnable {
        final CompletableFuture<AuthStep> result = new CompletableFuture<>();
        private final String realm;
        private final String user;
        private final char[] password;

        LoginTask(String realm, String user, char[] password) {
            this.realm = realm;
            this.user = user;
            this.password = password;
        }

        @Override
        public void run() {
            try {
                result.complete(check(realm, user, password));
            } catch (RuntimeException e) {
                result.complete(new AuthStep.Failure(user, "realm " + realm + " failed: " + e));
            } finally {
                Arrays.fill(password, '\0');
            }
        }

        void abandon(String reason) {
            Arrays.fill(password, '\0');
            result.complete(new AuthStep.Failure(user, reason));
        }
    }

    /** Splits {@code [authzid] NUL authcid NUL passwd}; each part is UTF-8 without NUL. */
    static String[] parse(byte[] message) {
        if (message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("PLAIN message too long");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(message)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("PLAIN message is not valid UTF-8");
        }
        String[] parts = text.split("\0", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("PLAIN message must be authzid NUL authcid NUL password");
        }
        if (parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new IllegalArgumentException("PLAIN user and password must not be empty");
        }
        return parts;
    }

    private static AuthStep check(String realm, String user, char[] password) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // LoginContext loads login modules through the context class loader it sees when built;
        // Karaf's realms all go through its proxy login module, so that class's loader works.
        thread.setContextClassLoader(ProxyLoginModule.class.getClassLoader());
        try {
            LoginContext context = new LoginContext(realm, subject, callbacks -> {
                for (Callback callback : callbacks) {
                    if (callback instanceof NameCallback name) {
                        name.setName(user);
                    } else if (callback instanceof PasswordCallback pw) {
                        pw.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
            context.login();
        } catch (LoginException e) {
            return new AuthStep.Failure(user, "realm " + realm + " refused the login: " + e.getMessage());
        } finally {
            thread.setContextClassLoader(previous);
        }
        Set<String> roles = new LinkedHashSet<>();
        for (Principal principal : subject.getPrincipals()) {
            if (principal instanceof RolePrincipal) {
                roles.add(principal.getName());
            }
        }
        return new AuthStep.Success(new AuthenticatedUser(user, roles, MECHANISM), new byte[0]);
    }
}
