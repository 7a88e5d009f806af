package io.aldis.itest.node;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** When resume tokens stop working, seen by a client over a real socket. */
@ExtendWith(LeakWatch.class)
class ResumeTokenLifecycleTest {
    private static final String USER = "alice";
    private static final String BOB = "bob";
    private static final String BOB_PASSWORD = "builder-of-things";

    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        node.store().add(BOB, BOB_PASSWORD.toCharArray(), Set.of("user"));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private String login(String user, String password) throws Exception {
        try (FrameClient conn = node.raw()) {
            conn.connect();
            return conn.scram(user, password).resumeToken();
        }
    }

    private boolean resumes(String token) throws Exception {
        try (FrameClient conn = node.raw()) {
            return conn.connect(token).authenticated();
        }
    }

    @Test
    void aPasswordChangeRevokesEveryTokenOfThatUserAndNoOtherUsers() throws Exception {
        String first = login(USER, PASSWORD);
        String second = login(USER, PASSWORD);
        String bobs = login(BOB, BOB_PASSWORD);
        assertThat(resumes(first)).isTrue();

        node.store().setPassword(USER, "a-brand-new-password".toCharArray());

        assertThat(resumes(first)).isFalse();
        assertThat(resumes(second)).isFalse();
        assertThat(resumes(bobs)).isTrue();
        assertThat(login(USER, "a-brand-new-password")).isNotEmpty();
    }

    @Test
    void removingAUserRevokesItsTokens() throws Exception {
        String token = login(BOB, BOB_PASSWORD);
        node.store().remove(BOB);
        assertThat(resumes(token)).isFalse();
    }

    @Test
    void aRoleChangeRevokesTheTokensSoTheNewRolesApplyOnReconnect() throws Exception {
        String token = login(BOB, BOB_PASSWORD);
        node.store().setRoles(BOB, Set.of("user", "admin"));
        assertThat(resumes(token)).isFalse();
    }

    @Test
    void aNormalCloseByTheClientIsALogoutThatReleasesItsTokenOnly() throws Exception {
        String other = login(USER, PASSWORD);
        String token;
        try (FrameClient conn = node.raw()) {
            conn.connect();
            token = conn.scram(USER, PASSWORD).resumeToken();
            conn.send(new Close(0, "logging out"));
            conn.await(FrameType.CLOSE_ACK);
        }
        assertThat(resumes(token)).isFalse();
        assertThat(resumes(other)).isTrue();
    }

    @Test
    void aResumedSessionThatLogsOutReleasesTheToken() throws Exception {
        String token = login(USER, PASSWORD);
        try (FrameClient conn = node.raw()) {
            assertThat(conn.connect(token).authenticated()).isTrue();
            conn.send(new Close(0, "logging out"));
            conn.await(FrameType.CLOSE_ACK);
        }
        assertThat(resumes(token)).isFalse();
    }

    @Test
    void aDroppedConnectionOrACloseWithAnErrorCodeKeepsTheToken() throws Exception {
        String dropped = login(USER, PASSWORD); // login() just closes the socket
        String token;
        try (FrameClient conn = node.raw()) {
            conn.connect();
            token = conn.scram(USER, PASSWORD).resumeToken();
            conn.send(new Close(ErrorCode.INTERNAL_ERROR.code(), "client crashing"));
            conn.await(FrameType.CLOSE_ACK);
        }
        assertThat(resumes(dropped)).isTrue();
        assertThat(resumes(token)).isTrue();
    }

    @Test
    void eachUserKeepsAtMostTheConfiguredNumberOfTokensOldestDroppedFirst() throws Exception {
        node.close();
        node = NodeFixture.builder().settings(NodeSettings.defaults().withMaxResumeTokensPerUser(3))
                .user(USER, "user").start();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tokens.add(login(USER, PASSWORD));
        }
        assertThat(resumes(tokens.get(0))).isFalse();
        assertThat(resumes(tokens.get(1))).isFalse();
        for (String kept : tokens.subList(2, 5)) {
            assertThat(resumes(kept)).isTrue();
        }
    }
}
