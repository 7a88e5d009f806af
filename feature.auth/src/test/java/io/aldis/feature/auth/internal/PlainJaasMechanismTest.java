package io.aldis.feature.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.auth.AuthStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainJaasMechanismTest {
    private static final String REALM = "aldis-test";

    /** Accepts alice/secret and gives her two roles. */
    public static final class TestLoginModule implements LoginModule {
        private Subject subject;
        private CallbackHandler handler;
        private String user;

        @Override
        public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> shared, Map<String, ?> options) {
            this.subject = subject;
            this.handler = handler;
        }

        @Override
        public boolean login() throws LoginException {
            NameCallback name = new NameCallback("user");
            PasswordCallback password = new PasswordCallback("password", false);
            try {
                handler.handle(new Callback[] {name, password});
            } catch (IOException | UnsupportedCallbackException e) {
                throw new LoginException(e.toString());
            }
            if (!"alice".equals(name.getName()) || !"secret".equals(new String(password.getPassword()))) {
                throw new FailedLoginException("bad credentials");
            }
            user = name.getName();
            return true;
        }

        @Override
        public boolean commit() {
            subject.getPrincipals().add(new UserPrincipal(user));
            subject.getPrincipals().add(new RolePrincipal("ops"));
            subject.getPrincipals().add(new RolePrincipal("viewer"));
            subject.getPrincipals().add(new Principal() {
                @Override
                public String getName() {
                    return "not-a-role";
                }
            });
            return true;
        }

        @Override
        public boolean abort() {
            return true;
        }

        @Override
        public boolean logout() {
            return true;
        }
    }

    private Configuration previous;
    private PlainJaasMechanism mechanism;

    @BeforeEach
    void installRealm() {
        try {
            previous = Configuration.getConfiguration();
        } catch (SecurityException e) {
            previous = null;
        }
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                if (!REALM.equals(name)) {
                    return null;
                }
                return new AppConfigurationEntry[] {new AppConfigurationEntry(TestLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())};
            }
        });
        mechanism = new PlainJaasMechanism(REALM);
    }

    @AfterEach
    void restore() {
        mechanism.close();
        Configuration.setConfiguration(previous);
    }

    private AuthStep login(TestConnection connection, String message) {
        return mechanism.start(connection).step(message.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
    }

    @Test
    void successCarriesTheRealmRoles() {
        AuthStep step = login(TestConnection.local(), "\0alice\0secret");
        assertThat(step).isInstanceOf(AuthStep.Success.class);
        AuthStep.Success success = (AuthStep.Success) step;
        assertThat(success.user().name()).isEqualTo("alice");
        assertThat(success.user().roles()).containsExactlyInAnyOrder("ops", "viewer");
        assertThat(success.user().mechanism()).isEqualTo("PLAIN");
    }

    @Test
    void sameAuthzidIsAcceptedOverTls() {
        assertThat(login(TestConnection.remote(true), "alice\0alice\0secret")).isInstanceOf(AuthStep.Success.class);
    }

    @Test
    void wrongPasswordFailsNamingTheUser() {
        AuthStep step = login(TestConnection.local(), "\0alice\0wrong");
        assertThat(step).isInstanceOf(AuthStep.Failure.class);
        assertThat(((AuthStep.Failure) step).user()).isEqualTo("alice");
    }

    @Test
    void unknownRealmFails() {
        mechanism.modified(Map.of("realm", "no-such-realm"));
        assertThat(login(TestConnection.local(), "\0alice\0secret")).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void refusedOnPlaintextRemoteConnections() {
        assertThat(mechanism.allowedOn(TestConnection.remote(false))).isFalse();
        assertThat(mechanism.allowedOn(TestConnection.remote(true))).isTrue();
        assertThat(mechanism.allowedOn(TestConnection.local())).isTrue();
        AuthStep refused = login(TestConnection.remote(false), "\0alice\0secret");
        assertThat(refused).isInstanceOf(AuthStep.Failure.class);
        assertThat(((AuthStep.Failure) refused).user()).isEqualTo("alice");
    }

    @Test
    void afterCloseLoginsFailInsteadOfHanging() {
        mechanism.close();
        assertThat(login(TestConnection.local(), "\0alice\0secret")).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void differentAuthzidIsRefused() {
        assertThat(login(TestConnection.local(), "bob\0alice\0secret")).isInstanceOf(AuthStep.Failure.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", "\0alice", "\0alice\0", "\0\0secret", "\0alice\0secret\0", "a\0b\0c\0d"})
    void malformedMessagesFail(String message) {
        assertThat(login(TestConnection.local(), message)).isInstanceOf(AuthStep.Failure.class);
    }

    @Test
    void onlyOneMessagePerExchange() {
        var exchange = mechanism.start(TestConnection.local());
        exchange.step("\0alice\0wrong".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
        assertThat(exchange.step("\0alice\0secret".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join())
                .isInstanceOf(AuthStep.Failure.class);
    }
}
