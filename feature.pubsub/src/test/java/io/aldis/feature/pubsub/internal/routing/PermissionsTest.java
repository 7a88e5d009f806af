package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionsTest {
    private static final AuthenticatedUser ALICE = new AuthenticatedUser("alice", Set.of(), "test");
    private static final AuthenticatedUser ROOT = new AuthenticatedUser("root", Set.of("admin"), "test");

    private final Permissions permissions = new Permissions();

    @Test
    void everyNewAuthorizerIsANewGenerationAndNullMeansTheDefault() {
        long before = permissions.generation();
        permissions.use(null);
        assertThat(permissions.generation()).isGreaterThan(before);
        assertThat(permissions.authorizer()).isSameAs(Authorizer.DEFAULT);
    }

    @Test
    void blockingIsTheBlockPermissionOfTheSubjectOrOfEverySubjectOfAPattern() {
        assertThat(permissions.mayBlock(ALICE, "a")).isFalse();
        assertThat(permissions.mayBlock(ROOT, "a")).isTrue();
        assertThat(permissions.mayBlock(null, "a")).isFalse();
        permissions.use(new Authorizer() {
            @Override
            public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
                return true;
            }

            @Override
            public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
                return false;
            }
        });
        assertThat(permissions.mayBlockAll(ALICE, "a.b")).isTrue();
        assertThat(permissions.mayBlockAll(ALICE, "a.*")).isFalse();
    }
}
